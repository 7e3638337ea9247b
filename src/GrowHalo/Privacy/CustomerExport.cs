using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Analytics.Customers;
using GrowHalo.Analytics.Customers.Segments;
using GrowHalo.Platform.Tenancy;
using Npgsql;

namespace GrowHalo.Privacy;

/// <summary>
/// customers/data_request: everything GrowHalo holds about the customer for that shop, as one JSON document the
/// owner downloads and passes on: the customer's rows in every read model keyed by customer (customers, scores, …),
/// the orders, checkouts and carts, the segments the customer is in now, and the raw events as received.
/// </summary>
public static class CustomerExport
{
    public static async Task<JsonObject> BuildAsync(TenantDatabases databases, NpgsqlConnection conn, NpgsqlTransaction tx,
        PrivacyRequestRow request, Tenant tenant, DateTimeOffset now, CancellationToken ct)
    {
        var records = await CustomerRecords.FindAsync(conn, tx, request.TenantId, request.ShopifyCustomerId, request.Email, request.OrderIds, ct);
        var keys = records.Keys.ToArray();
        var readModels = new JsonObject();
        foreach (var table in await TenantTable.DiscoverAsync(conn, tx, ct))
            if (table.HasCustomerKey && table.Name is not ("customers" or "orders" or "checkouts" or "carts"))
                readModels[table.Name] = await RowsAsync(conn, tx, ct, $"select * from {table.Sql} where tenant_id = $1 and customer_key = any($2)",
                    request.TenantId, keys);
        return new JsonObject
        {
            ["request"] = new JsonObject
            {
                ["id"] = request.Id, ["kind"] = request.Kind, ["shop_domain"] = request.ShopDomain,
                ["shopify_customer_id"] = request.ShopifyCustomerId, ["email"] = request.Email, ["shopify_request_id"] = request.ShopifyRequestId,
                ["received_at"] = request.ReceivedAt, ["exported_at"] = now,
            },
            ["customer_keys"] = new JsonArray([.. keys.Order(StringComparer.Ordinal).Select(k => (JsonNode)k)]),
            ["customer"] = await RowsAsync(conn, tx, ct, "select * from customers where tenant_id = $1 and customer_key = any($2)", request.TenantId, keys),
            ["orders"] = await RowsAsync(conn, tx, ct, "select * from orders where tenant_id = $1 and (customer_key = any($2) or order_id = any($3)) order by placed_at",
                request.TenantId, keys, records.OrderIds.ToArray()),
            ["refunds"] = await RowsAsync(conn, tx, ct, "select * from order_refunds where tenant_id = $1 and order_id = any($2) order by created_at",
                request.TenantId, records.OrderIds.ToArray()),
            ["checkouts"] = await RowsAsync(conn, tx, ct, "select * from checkouts where tenant_id = $1 and (customer_key = any($2) or checkout_id = any($3)) order by created_at",
                request.TenantId, keys, records.CheckoutIds.ToArray()),
            ["carts"] = await RowsAsync(conn, tx, ct, "select * from carts where tenant_id = $1 and (customer_key = any($2) or cart_token = any($3)) order by created_at",
                request.TenantId, keys, records.CartTokens.ToArray()),
            ["segments"] = await SegmentsAsync(databases, tenant, keys, now, ct),
            ["read_models"] = readModels,
            ["events"] = new JsonArray([.. records.Events.Where(e => e.Id != request.Id).Select(e => (JsonNode)new JsonObject
            {
                ["id"] = e.Id, ["stream_id"] = e.StreamId, ["type"] = e.Type, ["version"] = e.Version, ["stored_at"] = e.Timestamp,
                ["record"] = JsonNode.Parse(e.Data.GetRawText()),
            })]),
        };
    }

    /// <summary>The segments whose rules the customer meets now, checked with the segment's own filter.</summary>
    private static async Task<JsonArray> SegmentsAsync(TenantDatabases databases, Tenant tenant, string[] keys, DateTimeOffset now, CancellationToken ct)
    {
        var result = new JsonArray();
        if (keys.Length == 0) return result;
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        var today = tenant.LocalDate(now);
        foreach (var segment in await SegmentStore.ListAsync(db, ct))
        {
            var args = new SqlArgs();
            var tenantArg = args.Add(tenant.Id);
            var keysArg = args.Add(keys);
            var filter = segment.Filter(today)(args);
            await using var cmd = db.Command($"select exists (select 1 from {CustomerList.From} where c.tenant_id = {tenantArg} and c.customer_key = any({keysArg}) and {filter})",
                args.Values);
            if ((bool)(await cmd.ExecuteScalarAsync(ct))!)
                result.Add(new JsonObject { ["segment_id"] = segment.Id, ["name"] = segment.Name });
        }
        return result;
    }

    private static async Task<JsonArray> RowsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct, string sql, params object[] args)
    {
        await using var cmd = new NpgsqlCommand($"select coalesce(jsonb_agg(to_jsonb(t)), '[]')::text from ({sql}) t", conn, tx);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        return JsonNode.Parse((string)(await cmd.ExecuteScalarAsync(ct))!)!.AsArray();
    }
}
