using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Ingestion;
using GrowHalo.Ingestion.Adapters;
using GrowHalo.Ingestion.Webhooks;
using GrowHalo.Platform.Events;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Ingestion;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace GrowHalo.Tests.Platform.Reliability.Outages;

/// <summary>
/// A webhook answered 503 at its budget while its group's writer still holds its events (the writer was blocked
/// behind a lock): the request ends and releases its body, but the events' JSON lives in that body. The writer must
/// still store them intact, not read a released (pooled, reused) document.
/// </summary>
[Collection(OutageCollection.Name)]
public sealed class ShedWebhookBodyTests(OutageApp app)
{
    [Fact]
    public async Task a_webhook_shed_while_its_writer_is_blocked_is_stored_intact_when_the_writer_goes_on()
    {
        var tenant = await app.CreateTenantAsync("Shed");
        await using var queue = new WebhookAppendQueue(app.Service<GrowHalo.Platform.Tenancy.TenantDatabases>(), app.Service<EventAppender>(), new WebhookAppendOptions { Writers = 1 },
            NullLogger.Instance, startOnFirstUse: false);
        await using var locker = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(app.ConnectionString) { Pooling = false }.ConnectionString);
        await locker.OpenAsync();
        await using var tx = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("lock table mt_events in access exclusive mode", locker, tx)) await lockTable.ExecuteNonQueryAsync();

        var order = Samples.Order(4242);
        var body = new WebhookBody(Encoding.UTF8.GetBytes(order.ToJsonString()));
        var adapted = SourceAdapters.ToEvent(tenant.Id, Sources.Shopify, Resources.Order, body.Json().Value,
            new RecordContext(Channels.Webhook, DateTimeOffset.UtcNow, "orders/create", Guid.NewGuid().ToString()));
        using var budget = new CancellationTokenSource();
        var waiting = queue.AppendAsync(new WebhookSender(tenant.Id, null, ByApiKey: true), [adapted.Event!], DateTimeOffset.UtcNow, budget.Token,
            deadline: Environment.TickCount64 + 60_000, body);
        queue.Start();
        await WaitUntilBlockedAsync();

        await budget.CancelAsync(); // the request's budget is up: it is answered 503 and ends, releasing its body
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        body.Dispose();
        for (var i = 0; i < 200; i++) JsonDocument.Parse(Samples.Order(i).ToJsonString()).Dispose(); // pooled buffers change hands
        await tx.RollbackAsync();
        await queue.StopAsync(CancellationToken.None);

        var stored = (await app.DataSource.ReadStreamAsync(tenant.Id, "shopify:order:4242")).Single();
        Assert.True(JsonNode.DeepEquals(order, JsonNode.Parse(stored.Data.GetProperty("payload").GetRawText())));
    }

    private async Task WaitUntilBlockedAsync()
    {
        // From a session of its own: inside the locker's transaction, pg_stat_activity would show one snapshot throughout.
        await using var cmd = app.DataSource.CreateCommand(
            "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like 'select id from mt_events where id = any%'");
        for (var i = 0; i < 200; i++)
        {
            // The writer's look-up of stored ids, not the daemon (which waits for the lock as well).
            if ((long)(await cmd.ExecuteScalarAsync())! > 0) return;
            await Task.Delay(50);
        }
        throw new TimeoutException("The webhook writer never waited for the locked table.");
    }
}
