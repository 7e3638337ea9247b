using System.Text.Json;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Orders;

/// <summary>
/// GET /api/v1/orders/{id}: one order as a /orders row plus its line items, refunds, the checkout and cart it came
/// from, and every version received (from the order's event stream): each version's updated_at, when GrowHalo first
/// stored it, its total and status, and which one the read models hold (the greatest updated_at).
/// </summary>
public static class OrderEndpoint
{
    public sealed record OrderDetail : OrderRow
    {
        public OrderDetail(OrderRow row) : base(row) { }

        public required DateTimeOffset CreatedAt { get; init; }
        public required DateTimeOffset UpdatedAt { get; init; }
        public required string? CheckoutToken { get; init; }
        public required string? CartToken { get; init; }
        /// <summary>Each line: <c>{id, product_id, variant_id, title, quantity, price, sku}</c>, price per unit.</summary>
        public required JsonElement LineItems { get; init; }
        public required IReadOnlyList<OrderRefund> Refunds { get; init; }
        public IReadOnlyList<OrderVersion> Versions { get; init; } = [];
        public DateTimeOffset? AsOf { get; init; }
    }

    public sealed record OrderRefund(string RefundId, DateTimeOffset CreatedAt, DateOnly RefundDate, decimal Amount);

    public sealed record OrderVersion(DateTimeOffset UpdatedAt, DateTimeOffset ReceivedAt, decimal TotalPrice, string? FinancialStatus,
        DateTimeOffset? CancelledAt, string? CustomerKey, bool Held);

    private const string Sql = $"""
        select {OrderRow.Columns}, o.created_at, o.updated_at, o.checkout_token, o.cart_token, o.line_items::text
        from orders o where o.tenant_id = $1 and o.order_id = $2
        """;

    [WolverineGet("/api/v1/orders/{id}", OperationId = "GetOrder"), RequireScope(Scopes.Read), Tags("Orders")]
    [ProducesProblems(StatusCodes.Status404NotFound)]
    public static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> Get(string id, RequestTenant tenant, TenantDatabases databases,
        IDocumentStore store, CancellationToken ct)
    {
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        OrderDetail? order = null;
        await using (var cmd = db.Command(Sql, tenant.Id, id.Trim(), tenant.Tenant.Currency))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct))
            {
                var at = OrderRow.ColumnCount;
                order = new OrderDetail(OrderRow.Read(r))
                {
                    CreatedAt = r.GetFieldValue<DateTimeOffset>(at), UpdatedAt = r.GetFieldValue<DateTimeOffset>(at + 1),
                    CheckoutToken = r.IsDBNull(at + 2) ? null : r.GetString(at + 2), CartToken = r.IsDBNull(at + 3) ? null : r.GetString(at + 3),
                    LineItems = JsonElement.Parse(r.GetString(at + 4)), Refunds = [],
                };
            }
        if (order is null)
            return Problems.NotFound($"There is no order '{id}' in this workspace. Orders are identified by their Shopify order id (e.g. 5001); list them with GET /api/v1/orders.");

        var refunds = new List<OrderRefund>();
        await using (var cmd = db.Command("""
            select refund_id, created_at, refund_day, amount from order_refunds
            where tenant_id = $1 and order_id = $2 order by created_at, refund_id
            """, tenant.Id, order.OrderId))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                refunds.Add(new OrderRefund(r.GetString(0), r.GetFieldValue<DateTimeOffset>(1), r.GetFieldValue<DateOnly>(2), r.GetDecimal(3)));

        var (versions, _) = await SourceVersions.ReadAsync(db, store, [order.OrderId], null, ct);
        return TypedResults.Ok(order with
        {
            Refunds = refunds,
            Versions = versions.GetValueOrDefault(order.OrderId, []).Select(v => new OrderVersion(v.UpdatedAt, v.ReceivedAt, v.Record.TotalPrice,
                v.Record.FinancialStatus, v.Record.CancelledAt, v.Record.CustomerKey, v.UpdatedAt == order.UpdatedAt)).ToList(),
            AsOf = await Freshness.AsOfAsync(db, ct),
        });
    }
}
