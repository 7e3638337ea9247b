using System.Globalization;
using System.Text.Json;
using GrowHalo.Analytics.Customers;
using GrowHalo.Analytics.Metrics;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Orders;

/// <summary>
/// GET /api/v1/orders?start=&amp;end=&amp;status=&amp;customer_key=&amp;limit=50&amp;cursor=: the tenant's orders, newest
/// placed first (ties by order id), optionally placed in a range of tenant days, of one status, of one customer. The
/// cursor is the last row's place (placed_at, order_id): orders arriving meanwhile do not shift the pages, and an
/// order is never listed twice unless an edit moved its placed time past the cursor.
/// </summary>
public static class OrdersEndpoint
{
    public sealed record OrderPage(IReadOnlyList<OrderRow> Data, string? NextCursor, DateTimeOffset? AsOf);

    private const string Sql = $"""
        select {OrderRow.Columns}
        from orders o
        where o.tenant_id = $1
          and ($2::text is null or {OrderRow.StatusSql} = $2)
          and ($4::date is null or o.placed_day between $4 and $5::date)
          and ($6::text is null or o.customer_key = $6)
          and ($7::timestamptz is null or (o.placed_at, o.order_id) < ($7::timestamptz, $8::text))
        order by o.placed_at desc, o.order_id desc
        limit $9
        """;

    [WolverineGet("/api/v1/orders", OperationId = "ListOrders"), RequireScope(Scopes.Read), Tags("Orders")]
    public static async Task<Results<Ok<OrderPage>, ValidationProblem>> Get(string? start, string? end, string? status, string? customer_key,
        int? limit, string? cursor, RequestTenant tenant, TenantDatabases databases, CancellationToken ct)
    {
        var errors = new Validation();
        var range = start is null && end is null ? null : DateRange.Parse(start, end, errors);
        if (status is not null && !OrderRow.Statuses.Contains(status))
            errors.Add("status", $"\"{status}\" is not a status. Allowed: {Validation.OneOf(OrderRow.Statuses)}.");
        if (limit is < 1 or > 200) errors.Add("limit", $"must be between 1 and 200 (default 50), got {limit}.");
        var after = cursor is null ? null : Cursor.Read(cursor);
        if (cursor is not null && after is null) errors.Add("cursor", "is not a cursor this endpoint gave: pass next_cursor from the previous page unchanged.");
        if (!errors.IsValid) return errors.Problem();

        var size = limit ?? 50;
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        await using var cmd = db.Command(Sql, tenant.Id, status, tenant.Tenant.Currency, range?.Start, range?.End,
            customer_key is null ? null : CustomerKeys.Normalise(customer_key), after?.PlacedAt, after?.OrderId, size + 1);
        var rows = new List<OrderRow>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) rows.Add(OrderRow.Read(r));
        var next = rows.Count > size ? Cursor.Write(rows[size - 1]) : null;
        return TypedResults.Ok(new OrderPage(rows.Take(size).ToList(), next, await Freshness.AsOfAsync(db, ct)));
    }

    /// <summary>The last row's placed_at (to the microsecond) and order id, opaque to clients (base64url JSON).</summary>
    private static class Cursor
    {
        public sealed record Place(DateTimeOffset PlacedAt, string OrderId);

        public static string Write(OrderRow row) => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new[]
            { row.PlacedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture), row.OrderId }))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static Place? Read(string cursor)
        {
            try
            {
                var text = cursor.Replace('-', '+').Replace('_', '/');
                var json = Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='));
                return JsonSerializer.Deserialize<string[]>(json) is [var at, var id]
                    && DateTimeOffset.TryParseExact(at, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var placed)
                    ? new Place(placed.ToUniversalTime(), id) : null;
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                return null;
            }
        }
    }
}
