using GrowHalo.Analytics.DailySummaries;
using GrowHalo.Platform.Events.Projections;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Modeling.Customers;
using GrowHalo.Platform.Tenancy;
using Npgsql;

namespace GrowHalo.Modeling.Currency;

public sealed record FxImportResult(int Imported, int DaysRecomputed, int CustomersRecomputed);

/// <summary>
/// Loads a tenant's exchange rates and, in the same transaction, re-aggregates what they convert: the daily summaries
/// of every day a loaded rate can serve (its day and the 6 after, see fx_rate) and the lifetime spend and cohort
/// periods of customers with orders in those currencies. Takes turns with the commerce projection's customer recompute (the customer-facts lock, first) and
/// holds the tenant's read-model lock for the summaries, so no projection overwrites them with numbers computed
/// before the rates were there.
/// </summary>
public sealed class FxRateStore(TenantDatabases databases)
{
    public async Task<FxImportResult> ImportAsync(string tenantId, IReadOnlyList<FxRate> rates, CancellationToken ct)
    {
        if (rates.Count == 0) return new FxImportResult(0, 0, 0);
        await using var db = await TenantDb.BeginAsync(databases, tenantId, ct);
        var (conn, tx) = (db.Connection, db.Transaction);
        var context = new ProjectionContext(conn, tx);
        await CustomerOrderFacts.LockAsync(context, ct);

        var latest = rates.GroupBy(r => (r.Date, r.From, r.To)).Select(g => g.Last()).ToList(); // a repeated line: the last one wins
        await using (var upsert = new NpgsqlCommand("""
            insert into fx_rates as f (tenant_id, day, from_currency, to_currency, rate)
            select $1, * from unnest($2::date[], $3::text[], $4::text[], $5::numeric[])
            on conflict (tenant_id, from_currency, to_currency, day) do update set rate = excluded.rate
            """, conn, tx))
        {
            upsert.Parameters.Add(new() { Value = tenantId });
            upsert.Parameters.Add(new() { Value = latest.Select(r => r.Date).ToArray() });
            upsert.Parameters.Add(new() { Value = latest.Select(r => r.From).ToArray() });
            upsert.Parameters.Add(new() { Value = latest.Select(r => r.To).ToArray() });
            upsert.Parameters.Add(new() { Value = latest.Select(r => r.Rate).ToArray() });
            await upsert.ExecuteNonQueryAsync(ct);
        }

        var currencies = latest.SelectMany(r => new[] { r.From, r.To }).Distinct().ToArray();
        var keys = new List<(string, string)>();
        await using (var affected = new NpgsqlCommand("""
            select distinct o.customer_key from orders o left join tenants t on t.id = o.tenant_id
            where o.tenant_id = $1 and o.customer_key is not null and coalesce(o.currency, t.currency) = any($2)
            """, conn, tx))
        {
            affected.Parameters.Add(new() { Value = tenantId });
            affected.Parameters.Add(new() { Value = currencies });
            await using var r = await affected.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) keys.Add((tenantId, r.GetString(0)));
        }
        // Rates move no first-order day (commerce recomputes customers as their orders change); any move reported is
        // applied all the same, so the first-order days always match the facts.
        var moves = await CustomerOrderFacts.RecomputeAsync(context, keys, ct);
        await CustomerPeriods.RecomputeAsync(context, keys, ct); // their cohort revenue, at the new rates
        var moved = await DayTotals.MoveFirstDaysAsync(context, moves, ct);

        // The lock is taken after the customers' rows are written, as the commerce projection takes it after its own:
        // whoever holds it writes nothing but summaries, so it waits for nobody.
        await DailySummaryLock.AcquireAsync(conn, tx, [tenantId], ct);
        var days = DailySummaryRecompute.Days(tenantId, latest.Min(r => r.Date), latest.Max(r => r.Date).AddDays(6)).ToHashSet();
        days.UnionWith(moved);
        await DailySummaryRecompute.RecomputeAsync(conn, tx, days, ct);
        await db.CommitAsync(ct);
        return new FxImportResult(latest.Count, days.Count, keys.Count);
    }
}
