using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Platform.Events;
using GrowHalo.Ingestion;
using GrowHalo.Ingestion.Adapters;
using GrowHalo.Ingestion.Webhooks;
using GrowHalo.Platform.Tenancy;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrowHalo.Tests.Ingestion.Webhooks;

/// <summary>
/// Group commit, one group at a time: the queue is built without starting its writer, the webhooks are queued, and
/// only then does it start, so they are certain to be written as one group.
/// </summary>
[Collection(IngestionCollection.Name)]
public sealed class WebhookAppendQueueTests(IngestionApp app)
{
    private WebhookAppendQueue NewQueue() =>
        new(app.Service<TenantDatabases>(), app.Service<EventAppender>(), new WebhookAppendOptions { Writers = 1 }, NullLogger.Instance, startOnFirstUse: false);

    private static IReadOnlyList<NewEvent> Order(string tenantId, JsonObject order, string? deliveryId = null)
    {
        using var doc = JsonDocument.Parse(order.ToJsonString());
        var adapted = SourceAdapters.ToEvent(tenantId, Sources.Shopify, Resources.Order, doc.RootElement.Clone(),
            new RecordContext(Channels.Webhook, DateTimeOffset.UtcNow, "orders/create", deliveryId ?? Guid.NewGuid().ToString()));
        return [adapted.Event!];
    }

    private static Task<WebhookReceipt> Queue(WebhookAppendQueue queue, string tenantId, IReadOnlyList<NewEvent> events, CancellationToken ct = default) =>
        queue.AppendAsync(new WebhookSender(tenantId, null, ByApiKey: true), events, DateTimeOffset.UtcNow, ct);

    [Fact]
    public async Task one_group_with_two_tenants_webhooks_stores_each_in_its_own_tenant()
    {
        var a = await app.CreateTenantAsync();
        var b = await app.CreateTenantAsync();
        await using var queue = NewQueue();
        var sent = new[] { (a.Id, 101L), (b.Id, 201L), (a.Id, 102L), (b.Id, 202L), (a.Id, 103L) }
            .Select(x => Queue(queue, x.Item1, Order(x.Item1, Samples.Order(x.Item2)))).ToList();
        queue.Start();
        var receipts = await Task.WhenAll(sent);

        Assert.All(receipts, r => Assert.Equal(("accepted", 1), (r.Status, r.Accepted)));
        Assert.Equal(["shopify:order:101", "shopify:order:201", "shopify:order:102", "shopify:order:202", "shopify:order:103"],
            receipts.Select(r => r.Events.Single().StreamId));
        Assert.Equal(3, await app.EventsAsync(a.Id));
        Assert.Equal(2, await app.EventsAsync(b.Id));
        Assert.Equal(0, await app.EventsAsync(a.Id, "shopify:order:201") + await app.EventsAsync(b.Id, "shopify:order:101"));
    }

    [Fact]
    public async Task the_same_delivery_twice_in_one_group_is_stored_once_and_the_second_is_a_counted_duplicate()
    {
        var tenant = await app.CreateTenantAsync();
        var delivery = Guid.NewGuid().ToString();
        await using var queue = NewQueue();
        var first = Queue(queue, tenant.Id, Order(tenant.Id, Samples.Order(7), delivery));
        var second = Queue(queue, tenant.Id, Order(tenant.Id, Samples.Order(7), delivery));
        queue.Start();

        Assert.Equal(("accepted", 1, 0), ((await first).Status, (await first).Accepted, (await first).Duplicates));
        Assert.Equal(("duplicate", 0, 1), ((await second).Status, (await second).Accepted, (await second).Duplicates));
        Assert.Equal((await first).Events.Single().Id, (await second).Events.Single().Id);
        Assert.Equal(1, await app.EventsAsync(tenant.Id));
        Assert.Equal(1, await app.CountAsync("select duplicates from ingest_connection_stats where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task a_webhook_the_event_store_refuses_fails_alone_and_the_rest_of_its_group_is_stored()
    {
        var tenant = await app.CreateTenantAsync();
        // Valid JSON (\u0000) but no PostgreSQL text, made past the adapter (which turns such records away itself):
        // the store refuses any append holding it.
        var bad = NewEvent.Create(tenant.Id, "shopify:order:2", "order:2", SourceRecordReceived.Create(SourceEventTypes.ShopifyOrder, "shopify",
            Channels.Webhook, null, DateTimeOffset.UtcNow, null, JsonElement.Parse("""{"id": 2, "note": "nul \u0000 inside"}""")));
        await using var queue = NewQueue();
        var good1 = Queue(queue, tenant.Id, Order(tenant.Id, Samples.Order(1)));
        var failing = Queue(queue, tenant.Id, [bad]);
        var good2 = Queue(queue, tenant.Id, Order(tenant.Id, Samples.Order(3)));
        queue.Start();

        Assert.Equal(1, (await good1).Accepted);
        Assert.Equal(1, (await good2).Accepted);
        var error = await Assert.ThrowsAsync<UnstorableEventException>(() => failing);
        Assert.Equal("shopify:order:2", error.StreamId);
        Assert.Equal(1, await app.EventsAsync(tenant.Id, "shopify:order:1"));
        Assert.Equal(1, await app.EventsAsync(tenant.Id, "shopify:order:3"));
        Assert.Equal(2, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task a_webhook_whose_caller_gave_up_before_its_group_began_is_not_stored()
    {
        var tenant = await app.CreateTenantAsync();
        using var gaveUp = new CancellationTokenSource();
        await using var queue = NewQueue();
        var kept = Queue(queue, tenant.Id, Order(tenant.Id, Samples.Order(11)));
        var dropped = Queue(queue, tenant.Id, Order(tenant.Id, Samples.Order(12)), gaveUp.Token);
        await gaveUp.CancelAsync();
        queue.Start();

        Assert.Equal(1, (await kept).Accepted);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dropped);
        Assert.Equal(0, await app.EventsAsync(tenant.Id, "shopify:order:12"));
        Assert.Equal(1, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task stopping_writes_every_queued_webhook_and_then_refuses_new_ones()
    {
        var tenant = await app.CreateTenantAsync();
        var queue = NewQueue();
        var queued = Enumerable.Range(1, 5).Select(i => Queue(queue, tenant.Id, Order(tenant.Id, Samples.Order(400 + i)))).ToList();
        await queue.StopAsync(CancellationToken.None);

        Assert.All(await Task.WhenAll(queued), r => Assert.Equal(1, r.Accepted));
        Assert.Equal(5, await app.EventsAsync(tenant.Id));
        await Assert.ThrowsAsync<WebhookQueueClosedException>(() => Queue(queue, tenant.Id, Order(tenant.Id, Samples.Order(499))));
        Assert.Equal(5, await app.EventsAsync(tenant.Id));
    }
}
