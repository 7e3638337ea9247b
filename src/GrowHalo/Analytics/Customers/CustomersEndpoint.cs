using GrowHalo.Analytics.Customers.Segments;
using GrowHalo.Analytics.Metrics;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Customers;

/// <summary>
/// GET /api/v1/customers?search=&amp;sort=lifetime_revenue|orders_count|last_order_date|first_order_date&amp;order=desc&amp;limit=50&amp;cursor=&amp;segment=:
/// the tenant's customers (with a customer record or an order), searched by e-mail or name prefix (case-insensitive),
/// a page at a time (<see cref="CustomerList"/>); with <c>segment</c>, only the members of that segment as of now.
/// Rows carry their RFM and churn scores (scored first when the tenant has none for today).
/// </summary>
public static class CustomersEndpoint
{
    public sealed record CustomerPage(IReadOnlyList<CustomerRow> Data, string? NextCursor, string Currency, DateTimeOffset? AsOf);

    [WolverineGet("/api/v1/customers", OperationId = "ListCustomers"), RequireScope(Scopes.Read), Tags("Customers")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<Results<Ok<CustomerPage>, ValidationProblem, ProblemHttpResult>> Get(string? search, string? sort, string? order,
        int? limit, string? cursor, string? segment, RequestTenant tenant, TenantDatabases databases, TimeProvider clock, Scoring.CustomerScoring scoring, CancellationToken ct)
    {
        var errors = new Validation();
        var list = CustomerList.Read(search, sort, order, limit, cursor, errors);
        var segmentId = Guid.Empty;
        if (segment is not null && !Guid.TryParse(segment, out segmentId))
            errors.Add("segment", $"\"{segment}\" is not a segment id: pass the id of one of GET /api/v1/segments.");
        if (list is null || !errors.IsValid) return errors.Problem();

        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        await scoring.EnsureTodayAsync(db, tenant.Tenant, ct);
        CustomerFilter? filter = null;
        if (segment is not null)
        {
            if (await SegmentStore.GetAsync(db, segmentId, ct) is not { } found) return SegmentStore.NotFound(segmentId);
            filter = found.Filter(tenant.Tenant.LocalDate(clock.GetUtcNow()));
        }
        var (rows, next) = await CustomerList.PageAsync(db, list, filter, ct);
        return TypedResults.Ok(new CustomerPage(rows, next, tenant.Tenant.Currency, await Freshness.AsOfAsync(db, ct)));
    }
}
