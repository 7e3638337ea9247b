using GrowHalo.Analytics.Customers.Churn;
using GrowHalo.Platform.Tenancy;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GrowHalo.Analytics.Customers.Scoring;

/// <summary>When a scoring is due: always, when there are no scores for today, or when they are stale.</summary>
public enum ScoreWhen
{
    Always,
    NoneForToday,

    /// <summary>None for today, or the read models changed since (last_event_at &gt; the data_as_of scored) and MinInterval has passed.</summary>
    Stale,
}

/// <summary>
/// Scores one tenant's customers (every customer with a counted order) as of the tenant's today, in one transaction:
/// their RFM scores and segment (<see cref="RfmScores"/>, <see cref="RfmSegments"/>) and their churn estimate
/// (<see cref="ChurnModel"/>: a BG/NBD fit over the distinct histories, or the lapse rule) into customer_scores, and the
/// run into customer_score_runs. The heavy part is set-based SQL; C# sees one row per distinct (x, tₓ, T).
/// The run keeps the read models' freshness it read first (churn_model.data_as_of): whatever the projection commits
/// later moves last_event_at past it, and the tenant is stale.
/// </summary>
public sealed class CustomerScoring(TenantDatabases databases, TimeProvider clock, IOptions<CustomerScoringOptions> options,
    ILogger<CustomerScoring> logger)
{
    public const double HorizonDays = 90;

    /// <summary>Each customer's BG/NBD inputs from their counted orders up to $2 (today): x, tₓ and T in tenant days.</summary>
    private const string Histories = """
        select customer_key, count(distinct placed_day)::int - 1 as x, max(placed_day) - min(placed_day) as tx,
               $2::date - min(placed_day) as t
        from orders
        where tenant_id = $1 and counted and customer_key is not null and placed_day <= $2
        group by customer_key
        """;

    // $3–$8 the churn estimate per history, $9–$11 the segment of each R×F cell.
    private const string Write = $"""
        with facts as (
            select customer_key, orders_count as orders, last_order_day as last_day, lifetime_spend as revenue
            from customers where tenant_id = $1 and orders_count > 0),
        scored as ({RfmScores.OverFacts}),
        histories as ({Histories}),
        model as (select * from unnest($3::int[], $4::int[], $5::int[], $6::float8[], $7::float8[], $8::text[]) as m(x, tx, t, p_alive, expected, status)),
        segments as (select * from unnest($9::int[], $10::int[], $11::text[]) as g(r, f, name))
        insert into customer_scores (tenant_id, customer_key, r, f, m, rfm_segment, p_alive, expected_orders_90d, churn_status)
        select $1, s.customer_key, s.r, s.f, s.m, g.name, m.p_alive, m.expected, m.status
        from scored s
        join segments g on g.r = s.r and g.f = s.f
        left join histories h on h.customer_key = s.customer_key
        left join model m on m.x = h.x and m.tx = h.tx and m.t = h.t
        """;

    /// <summary>Scores the tenant's customers now if <paramref name="when"/> says it is due; whether it did.</summary>
    public async Task<bool> ScoreAsync(Tenant tenant, ScoreWhen when, CancellationToken ct)
    {
        var today = tenant.LocalDate(clock.GetUtcNow());
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        await CustomerScoreLocks.TakeAsync(db, ct);
        if (!await IsDueAsync(db, when, today, ct)) return false;
        var dataAsOf = await Modeling.Commerce.Freshness.AsOfAsync(db, ct); // first: the reads below see at least this

        var histories = new List<BgNbdHistory>();
        await using (var cmd = db.Command($"select x, tx, t, count(*) from ({Histories}) h group by x, tx, t", tenant.Id, today))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) histories.Add(new BgNbdHistory(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt64(3)));
        var (fitted, score) = ChurnModel.Fit(histories, HorizonDays);
        var model = fitted with { DataAsOf = dataAsOf };
        var scores = histories.Select(h => score(h)).ToList();
        var cells = (from rScore in Enumerable.Range(1, 5) from fScore in Enumerable.Range(1, 5) select (R: rScore, F: fScore)).ToList();

        await using (var clear = db.Command("delete from customer_scores where tenant_id = $1", tenant.Id))
            await clear.ExecuteNonQueryAsync(ct);
        long customers;
        await using (var insert = db.Command(Write, tenant.Id, today,
                         histories.Select(h => h.X).ToArray(), histories.Select(h => h.Tx).ToArray(), histories.Select(h => h.T).ToArray(),
                         scores.Select(s => s.PAlive).ToArray(), scores.Select(s => s.Expected).ToArray(), scores.Select(s => s.Status).ToArray(),
                         cells.Select(c => c.R).ToArray(), cells.Select(c => c.F).ToArray(), cells.Select(c => RfmSegments.NameOf(c.R, c.F)).ToArray()))
            customers = await insert.ExecuteNonQueryAsync(ct);
        await using (var run = db.Command("""
                         insert into customer_score_runs (tenant_id, as_of, scored_at, customers, churn_model)
                         values ($1, $2, now(), $3, $4::jsonb)
                         on conflict (tenant_id) do update set as_of = excluded.as_of, scored_at = excluded.scored_at,
                             customers = excluded.customers, churn_model = excluded.churn_model
                         """, tenant.Id, today, customers, System.Text.Json.JsonSerializer.Serialize(model, ChurnModel.Json)))
            await run.ExecuteNonQueryAsync(ct);
        await db.CommitAsync(ct);
        logger.LogInformation("Scored {Customers} customers of tenant {Tenant} as of {AsOf}: {Rule}", customers, tenant.Id, today,
            model.Trusted ? "BG/NBD" : "lapse rule");
        return true;
    }

    /// <summary>
    /// For endpoints that show scores: scores the tenant first (in its own transaction) when it has none for today.
    /// The check runs in the endpoint's transaction; its later statements see the scores committed meanwhile.
    /// </summary>
    public async Task EnsureTodayAsync(TenantDb db, Tenant tenant, CancellationToken ct)
    {
        await using var cmd = db.Command("select as_of from customer_score_runs where tenant_id = $1", tenant.Id);
        if (await cmd.ExecuteScalarAsync(ct) is DateOnly asOf && asOf == tenant.LocalDate(clock.GetUtcNow())) return;
        await ScoreAsync(tenant, ScoreWhen.NoneForToday, ct);
    }

    private async Task<bool> IsDueAsync(TenantDb db, ScoreWhen when, DateOnly today, CancellationToken ct)
    {
        if (when == ScoreWhen.Always) return true;
        await using var cmd = db.Command("""
            select s.as_of,
                   f.last_event_at > coalesce((s.churn_model->>'data_as_of')::timestamptz, '-infinity')
                   and s.scored_at <= now() - $2::interval
            from customer_score_runs s
            left join read_model_freshness f on f.tenant_id = s.tenant_id
            where s.tenant_id = $1
            """, db.TenantId, options.Value.MinInterval);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct) || r.GetFieldValue<DateOnly>(0) != today) return true;
        return when == ScoreWhen.Stale && !r.IsDBNull(1) && r.GetBoolean(1);
    }
}
