using System.Text.Json;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Customers;

/// <summary>
/// GET /api/v1/customers/{customer_key}: one customer as a /customers row (every field of <see cref="CustomerRow"/>, at
/// the top level) plus what the customer record says: tags, marketing consent, phone, addresses and the record's
/// created_at and updated_at (null, empty or [] for a guest known only by e-mail). A key the tenant does not have is a 404.
/// </summary>
public static class CustomerDetailEndpoint
{
    /// <summary>
    /// The row, copied whole through the record's copy constructor (so fields a later change adds to the row come
    /// along), and the profile after it. One address: <c>{address1, address2, city, province, country_code, zip, default}</c>.
    /// </summary>
    public sealed record CustomerDetail : CustomerRow
    {
        public CustomerDetail(CustomerRow row) : base(row) { }

        public required IReadOnlyList<string> Tags { get; init; }
        public required bool? AcceptsMarketing { get; init; }
        public required string? Phone { get; init; }
        public required JsonElement Addresses { get; init; }
        public required DateTimeOffset? CreatedAt { get; init; }
        public required DateTimeOffset? UpdatedAt { get; init; }
        public required string Currency { get; init; }
        public required DateTimeOffset? AsOf { get; init; }
    }

    private const string Sql = $"""
        select {CustomerRow.Columns}, c.tags, c.accepts_marketing, c.phone, c.addresses::text, c.created_at, c.record_updated_at
        from customers c
        where c.tenant_id = $1 and c.customer_key = $2
        """;

    [WolverineGet("/api/v1/customers/{customer_key}", OperationId = "GetCustomer"), RequireScope(Scopes.Read), Tags("Customers")]
    [ProducesProblems(StatusCodes.Status404NotFound)]
    public static async Task<Results<Ok<CustomerDetail>, ProblemHttpResult>> Get(string customer_key, RequestTenant tenant,
        TenantDatabases databases, Scoring.CustomerScoring scoring, CancellationToken ct)
    {
        var key = CustomerKeys.Normalise(customer_key);
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        await scoring.EnsureTodayAsync(db, tenant.Tenant, ct);
        await using var cmd = db.Command(Sql, tenant.Id, key);
        CustomerDetail? detail = null;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct))
            {
                var at = CustomerRow.ColumnCount;
                detail = new CustomerDetail(CustomerRow.Read(r))
                {
                    Tags = r.GetFieldValue<string[]>(at),
                    AcceptsMarketing = r.IsDBNull(at + 1) ? null : r.GetBoolean(at + 1),
                    Phone = r.IsDBNull(at + 2) ? null : r.GetString(at + 2),
                    Addresses = JsonElement.Parse(r.GetString(at + 3)),
                    CreatedAt = r.IsDBNull(at + 4) ? null : r.GetFieldValue<DateTimeOffset>(at + 4),
                    UpdatedAt = r.IsDBNull(at + 5) ? null : r.GetFieldValue<DateTimeOffset>(at + 5),
                    Currency = tenant.Tenant.Currency,
                    AsOf = null,
                };
            }
        if (detail is null) return CustomerKeys.NotFound(customer_key);
        return TypedResults.Ok(detail with { AsOf = await Freshness.AsOfAsync(db, ct) });
    }
}

/// <summary>How customer keys are written in a path, and the 404 for one the tenant does not have.</summary>
internal static class CustomerKeys
{
    /// <summary>"email:" keys are stored trimmed and lower-case, so Jane@X.com finds jane@x.com.</summary>
    public static string Normalise(string key)
    {
        var trimmed = key.Trim();
        return trimmed.StartsWith("email:", StringComparison.OrdinalIgnoreCase)
            ? "email:" + trimmed["email:".Length..].Trim().ToLowerInvariant()
            : trimmed;
    }

    public static ProblemHttpResult NotFound(string key) => Problems.NotFound(
        $"There is no customer '{key}' in this workspace. A customer key is id:<Shopify customer id> (id:123) or, for a guest, " +
        "email:<e-mail> (email:jane@example.com), URL-encoded in the path; list keys with GET /api/v1/customers.");
}
