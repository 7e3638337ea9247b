using GrowHalo.Platform.Events.Projections;
using GrowHalo.Platform.Tenancy;
using Npgsql;

namespace GrowHalo.Privacy;

/// <summary>
/// After a customer redaction commits: a projection page the daemon had read before the events were masked can still
/// write the customer's old values into a read model when it commits. So once the projections have caught up, the
/// tenant's rows are searched for the customer's e-mails and phones; when any is found, the tenant's projections are
/// rebuilt from the (masked) events, which cannot bring them back. Logs name tables, never the values.
/// </summary>
public sealed class RedactionCheck(TenantDatabases databases, ProjectionStatusQuery status, ProjectionRebuilder rebuilder,
    ILogger<RedactionCheck> logger)
{
    public static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Returns the tables that still held the values before the repair (empty when the redaction stood).</summary>
    public async Task<IReadOnlyList<string>> RunAsync(Guid requestId, string tenantId, IReadOnlyCollection<string> identifying, CancellationToken ct)
    {
        if (identifying.Count == 0) return [];
        try
        {
            await status.WaitForNonStaleAsync(CatchUpTimeout, ct);
        }
        catch (TimeoutException)
        {
            // A busy store may never be fully caught up: look at what is there now.
        }
        var found = await FindAsync(tenantId, identifying, ct);
        if (found.Count == 0)
        {
            logger.LogInformation("Privacy request {RequestId}: checked after the redaction, no read model holds the customer's data", requestId);
            return found;
        }
        logger.LogWarning("Privacy request {RequestId}: the redacted customer's data was written again into {Tables} by a projection " +
            "that read it before the redaction; rebuilding tenant {TenantId}'s projections from the masked events", requestId, found, tenantId);
        await rebuilder.RebuildAsync(null, tenantId, null, ct);
        var left = await FindAsync(tenantId, identifying, ct);
        if (left.Count > 0)
            logger.LogError("Privacy request {RequestId}: the redacted customer's data is still in {Tables} after rebuilding tenant {TenantId}'s projections",
                requestId, left, tenantId);
        return found;
    }

    /// <summary>The tenant's tables (privacy_requests aside) with a row holding any of the values.</summary>
    public async Task<IReadOnlyList<string>> FindAsync(string tenantId, IReadOnlyCollection<string> values, CancellationToken ct)
    {
        var patterns = values.Select(v => "%" + v.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%").ToArray();
        await using var conn = await (await databases.ForTenantAsync(tenantId, ct)).OpenConnectionAsync(ct);
        var found = new List<string>();
        foreach (var table in await TenantTable.DiscoverAsync(conn, null, ct))
        {
            if (table.Name == "privacy_requests") continue;
            await using var cmd = new NpgsqlCommand($"select exists (select 1 from {table.Sql} t where tenant_id = $1 and t::text ilike any($2))", conn)
            {
                Parameters = { new() { Value = tenantId }, new() { Value = patterns } },
            };
            if ((bool)(await cmd.ExecuteScalarAsync(ct))!) found.Add($"{table.Schema}.{table.Name}");
        }
        return found;
    }
}
