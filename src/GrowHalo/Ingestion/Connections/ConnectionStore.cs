using GrowHalo.Platform.Tenancy;
using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.Ingestion.Connections;

/// <summary>
/// Connections per tenant, read and written in a <see cref="TenantDb"/> of that tenant; the secrets go in sealed and
/// come out only through <see cref="SecretAsync"/> and <see cref="FindForWebhookAsync"/>. The webhook lookup runs as
/// the owner: a webhook names an account, and its tenant is what the lookup finds out. That lookup is cached for a few
/// seconds (<see cref="WebhookConnectionCache"/>); every create or update here drops the account's entry after commit.
/// </summary>
public sealed class ConnectionStore(TenantDatabases databases, SecretBox secrets, TimeProvider clock)
{
    private readonly WebhookConnectionCache _webhookCache = new(clock);

    private const string Columns = """
        id, tenant_id, source, external_account_id, display_name, api_base_url, polling_enabled, polling_interval_seconds,
        enabled, webhook_secret is not null, access_token is not null, created_at, updated_at
        """;

    public async Task<IngestConnection> CreateAsync(string tenantId, ConnectionSettings s, CancellationToken ct = default)
    {
        var id = "con_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        var now = clock.GetUtcNow();
        await using var db = await TenantDb.BeginAsync(databases, tenantId, ct);
        await using var cmd = db.Command($"""
            insert into ingest_connections (id, tenant_id, source, external_account_id, display_name, api_base_url,
                polling_enabled, polling_interval_seconds, webhook_secret, access_token, created_at, updated_at)
            values ($1, $2, $3, $4, $5, $6::text, $7, $8, $9::bytea, $10::bytea, $11, $11)
            returning {Columns}
            """);
        object?[] values = [id, tenantId, s.Source, s.ExternalAccountId, s.DisplayName, s.ApiBaseUrl, s.PollingEnabled,
            s.PollingIntervalSeconds, Seal(s.WebhookSecret, id, Secret.Webhook), Seal(s.AccessToken, id, Secret.AccessToken), now];
        foreach (var v in values) cmd.Parameters.Add(new() { Value = v ?? DBNull.Value });
        var created = await SingleAsync(cmd, $"An enabled {s.Source} connection for '{s.ExternalAccountId}' already exists. " +
            "Update that connection with PATCH, or disable it first.", ct);
        await using (var cursor = db.Command("""
            insert into polling_cursors (connection_id, next_attempt_at) values ($1, case when $2 then $3::timestamptz end)
            """, id, s.PollingEnabled, now))
            await cursor.ExecuteNonQueryAsync(ct);
        await db.CommitAsync(ct);
        _webhookCache.Invalidate(created!.Source, created.ExternalAccountId);
        return created;
    }

    public async Task<IngestConnection?> UpdateAsync(string tenantId, string id, ConnectionPatch p, CancellationToken ct = default)
    {
        await using var db = await TenantDb.BeginAsync(databases, tenantId, ct);
        await using var cmd = db.Command($"""
            update ingest_connections set
                display_name = coalesce($3, display_name),
                api_base_url = case when $4 then $5 else api_base_url end,
                polling_enabled = coalesce($6, polling_enabled),
                polling_interval_seconds = coalesce($7, polling_interval_seconds),
                enabled = coalesce($8, enabled),
                webhook_secret = case when $9 then $10 else webhook_secret end,
                access_token = case when $11 then $12 else access_token end,
                updated_at = $13
            where tenant_id = $1 and id = $2
            returning {Columns}
            """);
        cmd.Parameters.Add(new() { Value = tenantId });
        cmd.Parameters.Add(new() { Value = id });
        cmd.Parameters.Add(new() { Value = (object?)p.DisplayName ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = p.ApiBaseUrl is not null });
        cmd.Parameters.Add(new() { Value = (object?)p.ApiBaseUrl?.Value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)p.PollingEnabled ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Boolean });
        cmd.Parameters.Add(new() { Value = (object?)p.PollingIntervalSeconds ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        cmd.Parameters.Add(new() { Value = (object?)p.Enabled ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Boolean });
        cmd.Parameters.Add(new() { Value = p.WebhookSecret is not null });
        cmd.Parameters.Add(new() { Value = (object?)Seal(p.WebhookSecret?.Value, id, Secret.Webhook) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea });
        cmd.Parameters.Add(new() { Value = p.AccessToken is not null });
        cmd.Parameters.Add(new() { Value = (object?)Seal(p.AccessToken?.Value, id, Secret.AccessToken) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea });
        cmd.Parameters.Add(new() { Value = clock.GetUtcNow() });
        var updated = await SingleAsync(cmd, "Another enabled connection already holds this platform account; disable it first.", ct);
        await db.CommitAsync(ct);
        if (updated is not null) _webhookCache.Invalidate(updated.Source, updated.ExternalAccountId);
        return updated;
    }

    public async Task<IReadOnlyList<IngestConnection>> ListAsync(string tenantId, CancellationToken ct = default)
    {
        await using var db = await TenantDb.BeginAsync(databases, tenantId, ct);
        await using var cmd = db.Command($"select {Columns} from ingest_connections where tenant_id = $1 order by created_at, id", tenantId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<IngestConnection>();
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    public async Task<IngestConnection?> FindAsync(string tenantId, string id, CancellationToken ct = default) =>
        (await ListAsync(tenantId, ct)).FirstOrDefault(c => c.Id == id);

    /// <summary>
    /// The enabled connection of a platform account with its webhook secret opened: what a webhook needs to find its
    /// tenant and check its signature. Null when no enabled connection holds the account. From this process's cache
    /// when it read the account less than <see cref="WebhookConnectionCache.Ttl"/> ago (see there what that means for
    /// changes made by another instance), else in one round trip.
    /// </summary>
    public ValueTask<WebhookConnectionCache.Found?> FindForWebhookAsync(string source, string accountId, CancellationToken ct = default) =>
        _webhookCache.GetOrLoadAsync(source, accountId, token => LoadForWebhookAsync(source, accountId, token), ct);

    private async Task<WebhookConnectionCache.Found?> LoadForWebhookAsync(string source, string accountId, CancellationToken ct)
    {
        // The account's tenant is not known yet: each data database is asked (an index lookup each, and cached above).
        return await databases.FirstAsync<WebhookConnectionCache.Found>(async dataSource =>
        {
            await using var cmd = dataSource.CreateCommand($"""
                select {Columns}, webhook_secret, installed_by_app from ingest_connections where source = $1 and external_account_id = $2 and enabled
                """);
            cmd.Parameters.Add(new() { Value = source });
            cmd.Parameters.Add(new() { Value = accountId });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            var connection = Read(r);
            return new(connection, r.IsDBNull(13) ? null : secrets.Open(r.GetFieldValue<byte[]>(13), Context(connection.Id, Secret.Webhook)),
                InstalledByApp: r.GetBoolean(14));
        }, ct);
    }

    /// <summary>The tenant whose enabled connection holds a platform account, read now (not from the webhook cache); null when none.</summary>
    public async Task<string?> HolderAsync(string source, string accountId, CancellationToken ct = default)
    {
        return await databases.FirstAsync(async dataSource =>
        {
            await using var cmd = dataSource.CreateCommand("select tenant_id from ingest_connections where source = $1 and external_account_id = $2 and enabled");
            cmd.Parameters.Add(new() { Value = source });
            cmd.Parameters.Add(new() { Value = accountId });
            return await cmd.ExecuteScalarAsync(ct) as string;
        }, ct);
    }

    /// <summary>
    /// A Shopify app install's connection, in one transaction: the tenant's connection for the shop (enabled or not:
    /// a reinstall resumes it) gets the new token, is enabled, polls and is marked installed by the app; else one is
    /// created. Throws <see cref="ConnectionConflictException"/> when another tenant's enabled connection holds the shop.
    /// </summary>
    public async Task<IngestConnection> InstallAppAsync(string tenantId, string shop, string? apiBaseUrl, string accessToken,
        int pollingIntervalSeconds, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await TenantDb.BeginAsync(databases, tenantId, ct);
        string? id;
        await using (var find = db.Command("""
            select id from ingest_connections where tenant_id = $1 and source = 'shopify' and external_account_id = $2
            order by enabled desc, updated_at desc limit 1
            """, tenantId, shop))
            id = await find.ExecuteScalarAsync(ct) as string;
        var isNew = id is null;
        id ??= "con_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        var token = Seal(accessToken, id, Secret.AccessToken);
        await using var cmd = isNew
            ? db.Command($"""
                insert into ingest_connections (id, tenant_id, source, external_account_id, display_name, api_base_url, polling_enabled,
                    polling_interval_seconds, access_token, installed_by_app, created_at, updated_at)
                values ($1, $2, 'shopify', $3, $3, $4::text, true, $5, $6, true, $7, $7)
                returning {Columns}
                """, id, tenantId, shop, apiBaseUrl, pollingIntervalSeconds, token, now)
            : db.Command($"""
                update ingest_connections set api_base_url = $4::text, polling_enabled = true, enabled = true, access_token = $5,
                    installed_by_app = true, updated_at = $6
                where id = $1 and tenant_id = $2 and external_account_id = $3
                returning {Columns}
                """, id, tenantId, shop, apiBaseUrl, token, now);
        var installed = await SingleAsync(cmd, $"The shop {shop} is connected to another GrowHalo workspace. Uninstall the app there " +
            "(or disable that workspace's connection) before installing it here.", ct);
        await using (var cursor = db.Command("insert into polling_cursors (connection_id) values ($1) on conflict do nothing", id))
            await cursor.ExecuteNonQueryAsync(ct);
        await db.CommitAsync(ct);
        _webhookCache.Invalidate(installed!.Source, installed.ExternalAccountId);
        return installed;
    }

    /// <summary>A connection's secret in plain text, for signature checks and (later) API calls. Never send it anywhere else.</summary>
    public async Task<string?> SecretAsync(string tenantId, string connectionId, Secret which, CancellationToken ct = default)
    {
        await using var cmd = (await databases.ForTenantAsync(tenantId, ct)).CreateCommand(which == Secret.Webhook
            ? "select webhook_secret from ingest_connections where id = $1"
            : "select access_token from ingest_connections where id = $1");
        cmd.Parameters.Add(new() { Value = connectionId });
        return await cmd.ExecuteScalarAsync(ct) is byte[] sealedValue ? secrets.Open(sealedValue, Context(connectionId, which)) : null;
    }

    private byte[]? Seal(string? plaintext, string id, Secret which) =>
        string.IsNullOrEmpty(plaintext) ? null : secrets.Seal(plaintext, Context(id, which));

    private static string Context(string id, Secret which) => $"ingest_connections/{id}/{which}";

    private static async Task<IngestConnection?> SingleAsync(NpgsqlCommand cmd, string conflict, CancellationToken ct)
    {
        try
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            return await r.ReadAsync(ct) ? Read(r) : null;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "ingest_connections_account")
        {
            throw new ConnectionConflictException(conflict);
        }
    }

    private static IngestConnection Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
        r.GetBoolean(6), r.GetInt32(7), r.GetBoolean(8), r.GetBoolean(9), r.GetBoolean(10),
        r.GetFieldValue<DateTimeOffset>(11), r.GetFieldValue<DateTimeOffset>(12));
}

public enum Secret { Webhook, AccessToken }
