using System.Text.Json;
using System.Text.Json.Serialization;
using GrowHalo.Analytics.Customers.Scoring;
using GrowHalo.Analytics.Metrics;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Customers.Churn;

/// <summary>
/// GET /api/v1/analytics/churn?status=active|at_risk|lost&amp;limit=100: the tenant's churn model as of its last
/// scoring (scored first when there is none for today): the BG/NBD parameters and log-likelihood, whether the fit is
/// trusted (else the lapse rule decided), the customers per status, the lifetime revenue of those at risk, and the
/// customers — at risk first, then lost, then active, each by lifetime revenue, largest first — with p_alive and the
/// orders to expect in the next 90 days. data_as_of: the read models' freshness the scores were computed from.
/// </summary>
public static class ChurnEndpoint
{
    public sealed record Parameters(double? R, double? Alpha, double? A, double? B);

    public sealed record Distribution(long Active, long AtRisk, long Lost);

    public sealed record ChurnRow(string CustomerKey, string? Email, decimal? PAlive,
        [property: JsonPropertyName("expected_orders_90d")] decimal? ExpectedOrders90d, string? Status, decimal LifetimeRevenue, DateOnly? LastOrderDate);

    public sealed record Churn(Parameters Parameters, double? LogLikelihood, bool Trusted, long RepeatCustomers, string Rule,
        Distribution Distribution, decimal AtRiskRevenue, IReadOnlyList<ChurnRow> Data, DateOnly AsOf, DateTimeOffset ScoredAt,
        string Currency, DateTimeOffset? DataAsOf);

    private const string Rows = """
        select s.customer_key, c.email, s.p_alive, s.expected_orders_90d, s.churn_status, c.lifetime_spend, c.last_order_day
        from customer_scores s
        join customers c on c.tenant_id = s.tenant_id and c.customer_key = s.customer_key
        where s.tenant_id = $1 and ($2::text is null or s.churn_status = $2)
        order by case s.churn_status when 'at_risk' then 0 when 'lost' then 1 else 2 end, c.lifetime_spend desc, s.customer_key
        limit $3
        """;

    private const string Statuses = """
        select s.churn_status, count(*), coalesce(sum(c.lifetime_spend), 0)
        from customer_scores s
        join customers c on c.tenant_id = s.tenant_id and c.customer_key = s.customer_key
        where s.tenant_id = $1 and s.churn_status is not null
        group by s.churn_status
        """;

    [WolverineGet("/api/v1/analytics/churn", OperationId = "AnalyticsChurn"), RequireScope(Scopes.Read), Tags("Analytics")]
    public static async Task<Results<Ok<Churn>, ValidationProblem>> Get(string? status, int? limit, RequestTenant tenant,
        TenantDatabases databases, CustomerScoring scoring, CancellationToken ct)
    {
        var errors = new Validation();
        if (status is not null && !ChurnStatus.All.Contains(status))
            errors.Add("status", $"\"{status}\" is not a status. Allowed: {Validation.OneOf(ChurnStatus.All)} (default: all).");
        if (limit is < 1 or > 1000) errors.Add("limit", $"must be between 1 and 1000 (default 100), got {limit}.");
        if (!errors.IsValid) return errors.Problem();

        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        await scoring.EnsureTodayAsync(db, tenant.Tenant, ct);
        DateOnly asOf;
        DateTimeOffset scoredAt;
        ChurnModel model;
        await using (var cmd = db.Command("select as_of, scored_at, churn_model::text from customer_score_runs where tenant_id = $1", tenant.Id))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) throw new InvalidOperationException($"Tenant {tenant.Id} has no customer scores after scoring.");
            (asOf, scoredAt) = (r.GetFieldValue<DateOnly>(0), r.GetFieldValue<DateTimeOffset>(1));
            model = JsonSerializer.Deserialize<ChurnModel>(r.GetString(2), ChurnModel.Json)!;
        }

        var counts = new Dictionary<string, (long Customers, decimal Revenue)>();
        await using (var cmd = db.Command(Statuses, tenant.Id))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) counts[r.GetString(0)] = (r.GetInt64(1), r.GetDecimal(2));

        var rows = new List<ChurnRow>();
        await using (var cmd = db.Command(Rows, tenant.Id, status, limit ?? 100))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                rows.Add(new ChurnRow(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), Probability(r, 2), Probability(r, 3),
                    r.IsDBNull(4) ? null : r.GetString(4), Rounding.Money(r.GetDecimal(5)), r.IsDBNull(6) ? null : r.GetFieldValue<DateOnly>(6)));

        return TypedResults.Ok(new Churn(new Parameters(model.R, model.Alpha, model.A, model.B), model.LogLikelihood, model.Trusted,
            model.RepeatCustomers, model.Rule,
            new Distribution(counts.GetValueOrDefault(ChurnStatus.Active).Customers, counts.GetValueOrDefault(ChurnStatus.AtRisk).Customers,
                counts.GetValueOrDefault(ChurnStatus.Lost).Customers),
            Rounding.Money(counts.GetValueOrDefault(ChurnStatus.AtRisk).Revenue), rows, asOf, scoredAt, tenant.Tenant.Currency,
            model.DataAsOf));
    }

    /// <summary>A probability or expected count, to 4 decimals like every ratio.</summary>
    internal static decimal? Probability(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : Rounding.Ratio((decimal)r.GetDouble(i));
}
