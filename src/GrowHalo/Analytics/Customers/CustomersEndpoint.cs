using System.Text.Json;
using GrowHalo.Analytics.Metrics;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Customers;

/// <summary>
/// GET /api/v1/customers?search=&amp;sort=lifetime_revenue|orders_count|last_order_date|first_order_date&amp;order=desc&amp;limit=50&amp;cursor=:
/// the tenant's customers (with a customer record or an order), searched by e-mail or name prefix (case-insensitive),
/// a page at a time. The cursor is the last row's place in the order (keyset pagination): rows added meanwhile do not
/// shift the pages, and a customer is never listed twice. Rows carry their RFM and churn scores (scored first when the
/// tenant has none for today).
/// </summary>
public static class CustomersEndpoint
{
    public sealed record CustomerPage(IReadOnlyList<CustomerRow> Data, string? NextCursor, string Currency, DateTimeOffset? AsOf);

    /// <summary>Each sort: its column, with nulls (customers without a counted order) placed last either way.</summary>
    private static readonly IReadOnlyDictionary<string, (string Column, string Type)> Sorts = new Dictionary<string, (string, string)>
    {
        ["lifetime_revenue"] = ("c.lifetime_spend", "numeric"),
        ["orders_count"] = ("c.orders_count::numeric", "numeric"),
        ["last_order_date"] = ("c.last_order_day", "date"),
        ["first_order_date"] = ("c.first_order_day", "date"),
    };

    [WolverineGet("/api/v1/customers", OperationId = "ListCustomers"), RequireScope(Scopes.Read), Tags("Customers")]
    public static async Task<Results<Ok<CustomerPage>, ValidationProblem>> Get(string? search, string? sort, string? order, int? limit,
        string? cursor, RequestTenant tenant, NpgsqlDataSource dataSource, Scoring.CustomerScoring scoring, CancellationToken ct)
    {
        var errors = new Validation();
        sort ??= "lifetime_revenue";
        order ??= "desc";
        if (!Sorts.TryGetValue(sort, out var by)) errors.Add("sort", $"\"{sort}\" is not a sort. Allowed: {Validation.OneOf(Sorts.Keys)}.");
        if (order is not ("asc" or "desc")) errors.Add("order", $"\"{order}\" is not an order. Allowed: asc, desc.");
        if (limit is < 1 or > 200) errors.Add("limit", $"must be between 1 and 200 (default 50), got {limit}.");
        var after = cursor is null || by.Column is null ? null : Cursor.Read(cursor, by.Type);
        if (cursor is not null && after is null) errors.Add("cursor", "is not a cursor this endpoint gave: pass next_cursor from the previous page unchanged.");
        if (!errors.IsValid) return errors.Problem();

        // Nulls last in both orders: a null sorts as the far end of its type ('-infinity' descending, 'infinity' ascending).
        var far = by.Type == "date" ? (order == "desc" ? "'-infinity'::date" : "'infinity'::date") : (order == "desc" ? "'-Infinity'::numeric" : "'Infinity'::numeric");
        var value = $"coalesce({by.Column}, {far})";
        var (dir, cmp) = order == "desc" ? ("desc", "<") : ("asc", ">");
        var sql = $"""
            select {CustomerRow.Columns}, {value}::text
            from customers c
            where c.tenant_id = $1
              and ($2::text is null or lower(c.email) like $2 or lower(concat_ws(' ', c.first_name, c.last_name)) like $2
                   or lower(c.last_name) like $2)
              and ($3::text is null or ({value}, c.customer_key) {cmp} ($3::{by.Type}, $4::text))
            order by {value} {dir}, c.customer_key {dir}
            limit $5
            """;
        var size = limit ?? 50;
        await using var db = await TenantDb.BeginAsync(dataSource, tenant.Id, ct);
        await scoring.EnsureTodayAsync(db, tenant.Tenant, ct);
        await using var cmd = db.Command(sql, tenant.Id, search is { Length: > 0 } ? EscapeLike(search.Trim().ToLowerInvariant()) + "%" : null,
            after?.Value, after?.Key, size + 1);
        var rows = new List<(CustomerRow Row, string SortValue)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) rows.Add((CustomerRow.Read(r), r.GetString(CustomerRow.ColumnCount)));
        var next = rows.Count > size ? Cursor.Write(rows[size - 1].SortValue, rows[size - 1].Row.CustomerKey) : null;
        return TypedResults.Ok(new CustomerPage(rows.Take(size).Select(x => x.Row).ToList(), next, tenant.Tenant.Currency,
            await Freshness.AsOfAsync(db, ct)));
    }

    private static string EscapeLike(string text) => text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");

    /// <summary>The last row's sort value and key, opaque to clients (base64url JSON).</summary>
    private static class Cursor
    {
        public sealed record Place(string Value, string Key);

        public static string Write(string value, string key) =>
            Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new[] { value, key })).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static Place? Read(string cursor, string type)
        {
            try
            {
                var text = cursor.Replace('-', '+').Replace('_', '/');
                var json = Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='));
                if (JsonSerializer.Deserialize<string[]>(json) is not [var value, var key]) return null;
                var valid = value is "Infinity" or "-Infinity" or "infinity" or "-infinity" || (type == "date"
                    ? DateOnly.TryParseExact(value, "yyyy-MM-dd", out _)
                    : decimal.TryParse(value, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out _));
                return valid ? new Place(value, key) : null;
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                return null;
            }
        }
    }
}
