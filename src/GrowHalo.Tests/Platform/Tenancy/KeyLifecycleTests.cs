using System.Net;
using System.Text.Json;
using Alba;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Infrastructure;
using Npgsql;

namespace GrowHalo.Tests.Platform.Tenancy;

/// <summary>Keys over HTTP: shown once, listed without the secret, revoked or expired keys refused, the secret kept nowhere.</summary>
public sealed class KeyLifecycleTests(TenancyApp app) : IClassFixture<TenancyApp>
{
    private static async Task<(string Id, string Key)> NewKeyAsync(TenantClient admin, object body)
    {
        var created = await admin.CreateKeyAsync(body);
        return (created.Str("id"), created.Str("key"));
    }

    private static Task<IScenarioResult> RevokeAsync(TenantClient admin, string id) => admin.Scenario(s => s.Delete.Url($"/api/v1/keys/{id}"));

    [Fact]
    public async Task a_created_key_is_returned_once_with_201_and_works_at_once()
    {
        var admin = await app.CreateTenantAsync("Keymaker", scopes: Scopes.Admin);
        var response = await admin.Scenario(s =>
        {
            s.Post.Json(new { scopes = new[] { "read" }, label = "dashboard" }).ToUrl("/api/v1/keys");
            s.StatusCodeShouldBe(HttpStatusCode.Created);
        });
        var created = await response.JsonAsync();
        var (id, key) = (created.Str("id"), created.Str("key"));

        Assert.StartsWith("ghk_", key);
        Assert.Equal(key[..12], created.Str("prefix"));
        Assert.Equal($"/api/v1/keys/{id}", response.Context.Response.Headers.Location.ToString());
        Assert.True(response.NoStore());
        var tenant = await app.ReadTenantAsync(key).JsonAsync();
        Assert.Equal(admin.Id, tenant.Str("id"));

        var listing = await (await admin.Scenario(s => s.Get.Url("/api/v1/keys"))).ReadAsTextAsync();
        Assert.DoesNotContain(key, listing);
        Assert.DoesNotContain(key[12..], listing);
        var listed = JsonDocument.Parse(listing).RootElement.GetProperty("data").EnumerateArray().Single(k => k.Str("id") == id);
        Assert.Equal(["read"], listed.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("dashboard", listed.Str("label"));
        Assert.Equal("active", listed.Str("status"));
    }

    [Fact]
    public async Task a_revoked_key_gets_401_saying_it_was_revoked()
    {
        var admin = await app.CreateTenantAsync("Revoker", scopes: Scopes.Admin);
        var (id, key) = await NewKeyAsync(admin, new { scopes = new[] { "read" } });
        await app.ReadTenantAsync(key);

        var revoked = await RevokeAsync(admin, id).JsonAsync();
        Assert.Equal("revoked", revoked.Str("status"));

        var detail = await app.ReadTenantAsync(key, HttpStatusCode.Unauthorized).ProblemAsync();
        Assert.Contains("revoked", detail);
        Assert.Contains("Create a new key", detail);
    }

    [Fact]
    public async Task a_key_past_its_expiry_gets_401_saying_it_expired()
    {
        var admin = await app.CreateTenantAsync("Expirer", scopes: Scopes.Admin);
        var (_, key) = await NewKeyAsync(admin, new { scopes = new[] { "read" }, expires_at = app.Clock.GetUtcNow().AddHours(1) });
        await app.ReadTenantAsync(key);

        app.Clock.Advance(TimeSpan.FromHours(2));

        var detail = await app.ReadTenantAsync(key, HttpStatusCode.Unauthorized).ProblemAsync();
        Assert.Contains("expired", detail);
    }

    [Fact]
    public async Task a_key_with_an_unknown_scope_no_scope_or_a_past_expiry_is_refused_with_400_and_not_created()
    {
        var admin = await app.CreateTenantAsync("Careful", scopes: Scopes.Admin);
        var before = (await app.Service<ApiKeyStore>().ListAsync(admin.Id)).Count;

        Task<JsonElement> Refused(object body) => admin.Scenario(s =>
        {
            s.Post.Json(body).ToUrl("/api/v1/keys");
            s.StatusCodeShouldBe(HttpStatusCode.BadRequest);
        }).JsonAsync();

        var unknown = await Refused(new { scopes = new[] { "read", "superuser" } });
        Assert.Contains("superuser", unknown.GetProperty("errors").GetProperty("scopes")[0].GetString());
        var none = await Refused(new { label = "no scopes" });
        Assert.Contains("at least one scope", none.GetProperty("errors").GetProperty("scopes")[0].GetString());
        var past = await Refused(new { scopes = new[] { "read" }, expires_at = app.Clock.GetUtcNow().AddMinutes(-1) });
        Assert.Contains("not in the future", past.GetProperty("errors").GetProperty("expires_at")[0].GetString());

        Assert.Equal(before, (await app.Service<ApiKeyStore>().ListAsync(admin.Id)).Count);
    }

    [Fact]
    public async Task the_raw_key_never_appears_in_any_text_or_binary_column_of_any_table()
    {
        var admin = await app.CreateTenantAsync("Secretive", scopes: Scopes.Admin);
        var (_, key) = await NewKeyAsync(admin, new { scopes = new[] { "read", "ingest" }, label = "scanner" });
        var created = await app.OperatorScenario(s =>
        {
            s.Post.Json(new { name = "Scanned Brand" }).ToUrl("/api/v1/admin/tenants");
            s.StatusCodeShouldBe(HttpStatusCode.Created);
        }).JsonAsync();
        var operatorKey = created.GetProperty("admin_key").Str("key");
        await app.ReadTenantAsync(key);
        await app.ScenarioWithKey(operatorKey, s => s.Get.Url("/api/v1/keys"));

        foreach (var raw in new[] { key, operatorKey })
        {
            var secretBytes = Convert.FromBase64String(raw[4..].Replace('-', '+').Replace('_', '/') + "=");
            Assert.Empty(await TablesContainingAsync(raw, secretBytes));
            Assert.Empty(await TablesContainingAsync(raw[12..], secretBytes));
            // The scan does look where keys live: the listed prefix is found.
            Assert.Contains("api_keys.key_prefix", await TablesContainingAsync(raw[..12], []));
        }
    }

    [Fact]
    public async Task the_raw_key_never_appears_in_the_logs_at_any_level()
    {
        var admin = await app.CreateTenantAsync("Quiet", scopes: Scopes.Admin);
        var (id, key) = await NewKeyAsync(admin, new { scopes = new[] { "read" } });
        await app.ReadTenantAsync(key);
        await app.ScenarioWithKey(key, s =>
        {
            s.Get.Url("/api/v1/keys");
            s.StatusCodeShouldBe(HttpStatusCode.Forbidden);
        });
        await RevokeAsync(admin, id);
        await app.ReadTenantAsync(key, HttpStatusCode.Unauthorized);       // revoked
        await app.ReadTenantAsync(key + "x", HttpStatusCode.Unauthorized); // unknown

        var lines = app.Logs.Lines.ToList();
        Assert.Contains(lines, l => l.Contains("/api/v1/tenant") && l.Contains("401")); // the capture does see these requests
        Assert.DoesNotContain(lines, l => l.Contains(key[12..], StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(admin.ApiKey[12..], StringComparison.Ordinal));
    }

    /// <summary>"table.column" of every text, json, array or bytea column holding <paramref name="text"/> (or the bytes).</summary>
    private async Task<List<string>> TablesContainingAsync(string text, byte[] bytes)
    {
        var columns = new List<(string Table, string Column, string Type)>();
        await using (var cmd = app.DataSource.CreateCommand("""
            select c.table_name, c.column_name, c.data_type
            from information_schema.columns c
            join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
            where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
              and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'bytea')
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) columns.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
        Assert.Contains(columns, c => c is { Table: "api_keys", Column: "key_hash" });

        var found = new List<string>();
        foreach (var (table, column, type) in columns)
        {
            var where = type == "bytea"
                ? $"position(convert_to($1, 'UTF8') in \"{column}\") > 0 or (length($2) > 0 and position($2 in \"{column}\") > 0)"
                : $"strpos(\"{column}\"::text, $1) > 0";
            await using var cmd = app.DataSource.CreateCommand($"select count(*) from \"{table}\" where {where}");
            cmd.Parameters.Add(new NpgsqlParameter { Value = text });
            if (type == "bytea") cmd.Parameters.Add(new NpgsqlParameter { Value = bytes });
            if ((long)(await cmd.ExecuteScalarAsync())! > 0) found.Add($"{table}.{column}");
        }
        return found;
    }
}
