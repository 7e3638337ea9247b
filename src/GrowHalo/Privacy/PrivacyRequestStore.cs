using GrowHalo.Platform.Tenancy;
using Npgsql;

namespace GrowHalo.Privacy;

/// <summary>A privacy_requests row (see 0601_privacy_requests.sql).</summary>
public sealed record PrivacyRequestRow(Guid Id, string TenantId, string Kind, string? ShopDomain, string? ShopifyCustomerId, string? Email,
    string? Phone, IReadOnlyList<string> OrderIds, string? ShopifyRequestId, DateTimeOffset ReceivedAt, DateTimeOffset? CompletedAt,
    string State, int Attempts, string? LastError, bool HasExport)
{
    public const string Columns = """
        id, tenant_id, kind, shop_domain, shopify_customer_id, email, phone, order_ids, shopify_request_id, received_at, completed_at,
        state, attempts, last_error, export is not null
        """;

    public static PrivacyRequestRow Read(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetString(1), r.GetString(2),
        r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
        r.IsDBNull(6) ? null : r.GetString(6), r.GetFieldValue<string[]>(7), r.IsDBNull(8) ? null : r.GetString(8),
        r.GetFieldValue<DateTimeOffset>(9), r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10), r.GetString(11), r.GetInt32(12),
        r.IsDBNull(13) ? null : r.GetString(13), r.GetBoolean(14));
}

/// <summary>The tenant's privacy requests, read under row-level security.</summary>
public static class PrivacyRequestStore
{
    public const int ListLimit = 500;

    public static async Task<IReadOnlyList<PrivacyRequestRow>> ListAsync(TenantDb db, CancellationToken ct)
    {
        await using var cmd = db.Command($"""
            select {PrivacyRequestRow.Columns} from privacy_requests where tenant_id = $1 order by received_at desc, id limit {ListLimit}
            """, db.TenantId);
        var rows = new List<PrivacyRequestRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) rows.Add(PrivacyRequestRow.Read(r));
        return rows;
    }

    public static async Task<PrivacyRequestRow?> GetAsync(TenantDb db, Guid id, CancellationToken ct)
    {
        await using var cmd = db.Command($"select {PrivacyRequestRow.Columns} from privacy_requests where tenant_id = $1 and id = $2", db.TenantId, id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? PrivacyRequestRow.Read(r) : null;
    }

    /// <summary>The export's JSON text, when the request is a completed data request that still has one.</summary>
    public static async Task<string?> ExportAsync(TenantDb db, Guid id, CancellationToken ct)
    {
        await using var cmd = db.Command("select export::text from privacy_requests where tenant_id = $1 and id = $2", db.TenantId, id);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }
}

/// <summary>A privacy request as the API answers it; <see cref="ExportUrl"/> is set when a data request's export can be downloaded.</summary>
public sealed record PrivacyRequestView(Guid Id, string Kind, string State, string? ShopDomain, string? ShopifyCustomerId, string? Email,
    IReadOnlyList<string> OrderIds, string? ShopifyRequestId, DateTimeOffset ReceivedAt, DateTimeOffset? CompletedAt, int Attempts,
    string? LastError, string? ExportUrl)
{
    public static PrivacyRequestView From(PrivacyRequestRow r) => new(r.Id, r.Kind, r.State, r.ShopDomain, r.ShopifyCustomerId, r.Email,
        r.OrderIds, r.ShopifyRequestId, r.ReceivedAt, r.CompletedAt, r.Attempts, r.LastError,
        r.HasExport ? $"/api/v1/privacy/requests/{r.Id}/export" : null);
}

public sealed record PrivacyRequestList(IReadOnlyList<PrivacyRequestView> Data);
