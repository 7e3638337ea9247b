using System.Diagnostics;
using System.Text.Json;
using GrowHalo.Bench.Setup;
using GrowHalo.Ingestion;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Events;
using GrowHalo.Platform.Events.Projections;

namespace GrowHalo.Bench.Scenarios;

/// <summary>
/// The commerce projection (orders, refunds, customers, ad spend and the daily summaries of every day a batch
/// touches) catching up from a backlog of 200,000 source events as ingestion appends them: ~2 KB Shopify orders in
/// time order over ~4 months (one in five a later version of an earlier order), standalone refunds and Meta ad rows,
/// for 3 tenants (200,000 at scale 1). The figure is events/s from the start of Marten's async daemon, run in this
/// process with the commerce projection alone, until its progress (mt_event_progression) has passed the last event.
/// </summary>
public sealed class CommerceScenario : IScenario
{
    private const int Backlog = 200_000;
    public string Name => "commerce";
    public string Description => $"events/s of the commerce projection catching up from a {Backlog:N0}-event backlog";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken ct)
    {
        var backlog = Math.Max(10_000, (int)(Backlog * context.Scale));
        await CatchUpAsync(await BacklogAsync(context, 10_000, ct), ct);
        var db = await BacklogAsync(context, backlog, ct);
        var (elapsed, batchSize) = await CatchUpAsync(db, ct);
        await using var days = db.DataSource.CreateCommand("select count(*) from daily_summaries");
        return [new Measurement(Name, $"catch up {backlog:N0} events", backlog / elapsed.TotalSeconds, "events/s",
            $"{backlog:N0} events in {elapsed.TotalSeconds:0.0} s, batches of {batchSize:N0}, 3 tenants, {await days.ExecuteScalarAsync(ct)} tenant-days")];
    }

    private static NewEvent Source(string tenant, string stream, string key, string type, JsonElement payload) =>
        NewEvent.Create(tenant, stream, key, SourceRecordReceived.Create(type, stream.Split(':')[0], Channels.Batch, null, DateTimeOffset.UnixEpoch, null, payload));

    private static async Task<BenchDatabase> BacklogAsync(BenchContext context, int count, CancellationToken ct)
    {
        var bench = await context.CreateDatabaseAsync(ct);
        var db = bench.DataSource;
        string[] tenants = ["t-acme", "t-bolt", "t-cove"];
        foreach (var (tenant, zone) in tenants.Zip(new[] { "UTC", "America/New_York", "Europe/Paris" }))
        {
            await using var insert = db.CreateCommand("insert into tenants (id, name, slug, time_zone, currency) values ($1, $1, $1, $2, 'USD')");
            insert.Parameters.Add(new() { Value = tenant });
            insert.Parameters.Add(new() { Value = zone });
            await insert.ExecuteNonQueryAsync(ct);
        }
        var random = new Random(7);
        var events = new List<NewEvent>(10_000);
        for (var i = 0; i < count; i++)
        {
            var tenant = tenants[i / 10_000 % tenants.Length];
            var roll = i % 20;
            if (roll < 16)
            {
                var id = roll < 13 || i < 1000 ? i : i - random.Next(1, 1000);   // a later version of a recent order
                var order = ShopifyOrders.Order(id, random);
                var updated = order.GetProperty("updated_at").GetDateTimeOffset().AddMinutes(i - id);
                var json = JsonSerializer.Serialize(order).Replace(order.GetProperty("updated_at").GetRawText(), JsonSerializer.Serialize(updated));
                events.Add(Source(tenant, $"shopify:order:{id}", $"order:{id}:{updated:O}", SourceEventTypes.ShopifyOrder, JsonDocument.Parse(json).RootElement.Clone()));
            }
            else if (roll < 17)
            {
                var created = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i + 60);
                events.Add(Source(tenant, $"shopify:refund:{i}", $"refund:{i}", SourceEventTypes.ShopifyRefund, EventJson.ToElement(new
                {
                    id = i, order_id = i - random.Next(1, 500), created_at = created,
                    transactions = new[] { new { kind = "refund", status = "success", amount = "12.50" } },
                })));
            }
            else
            {
                var day = DateOnly.FromDateTime(new DateTime(2026, 1, 1).AddMinutes(i));
                var campaign = $"c{roll}";
                events.Add(Source(tenant, $"meta:campaign:{campaign}", $"{campaign}:{day:yyyy-MM-dd}:{i}", SourceEventTypes.MetaInsightsRow, EventJson.ToElement(new
                {
                    account_id = "act_1", campaign_id = campaign, campaign_name = "Spring", date_start = day.ToString("yyyy-MM-dd"),
                    date_stop = day.ToString("yyyy-MM-dd"), spend = $"{random.Next(10, 500)}.{random.Next(0, 99):D2}", impressions = "12000", clicks = "310",
                })));
            }
            if (events.Count == 10_000 || i == count - 1)
            {
                await bench.Appender.AppendAsync(tenant, events, ct);
                events.Clear();
            }
        }
        await using var analyze = db.CreateCommand("analyze");
        await analyze.ExecuteNonQueryAsync(ct);
        return bench;
    }

    private static async Task<(TimeSpan Elapsed, int BatchSize)> CatchUpAsync(BenchDatabase db, CancellationToken ct)
    {
        ISqlProjection projection = new CommerceProjection();
        var elapsed = await BenchStore.CatchUpAsync(db.DataSource, projection, ct);
        await using var failures = db.DataSource.CreateCommand("select count(*) from projection_failures");
        if ((long)(await failures.ExecuteScalarAsync(ct))! > 0) throw new InvalidOperationException("The commerce projection recorded failures.");
        return (elapsed, projection.BatchSize);
    }
}
