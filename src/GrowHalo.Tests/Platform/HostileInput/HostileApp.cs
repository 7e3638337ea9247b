using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GrowHalo.Platform.Tenancy.Operator;
using GrowHalo.Tests.Ingestion;
using GrowHalo.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace GrowHalo.Tests.Platform.HostileInput;

/// <summary>
/// The ingestion host (known secrets key) without rate limits (a flood of hostile requests from one tenant must meet
/// the endpoints, not the limiter), with an operator token, and the means to send raw bytes and to see what a tenant has stored.
/// </summary>
public sealed class HostileApp : IngestionApp
{
    public const string OperatorToken = "hostile-operator-token-0123456789";
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);
    private string? _snapshotSql;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("RateLimits:Enabled", "false");
        builder.UseSetting("Admin:OperatorToken", OperatorToken);
    }

    /// <summary>The answer to one request, or a timeout (a hang) as a failure.</summary>
    public async Task<Answer> SendAsync(HttpMethod method, string url, byte[]? body, string? contentType, IEnumerable<KeyValuePair<string, string>> headers)
    {
        using var client = CreateClient(new ClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (!string.IsNullOrEmpty(contentType)) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        using var timeout = new CancellationTokenSource(RequestTimeout);
        try
        {
            using var response = await client.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            return new Answer((int)response.StatusCode, response.Content.Headers.ContentType, text);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new Answer(0, null, $"no answer within {RequestTimeout.TotalSeconds} s (a hang)");
        }
    }

    public static IEnumerable<KeyValuePair<string, string>> Headers(BodyTarget target, TenantClient tenant, byte[] body, string? secret)
    {
        var headers = new Dictionary<string, string>(target.Headers ?? new Dictionary<string, string>());
        switch (target.Sender)
        {
            case Sender.TenantKey: headers["x-api-key"] = tenant.ApiKey; break;
            case Sender.Operator: headers[OperatorAuthentication.Header] = OperatorToken; break;
            case Sender.ShopifySignature: headers["X-Shopify-Hmac-Sha256"] = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret!), body)); break;
            case Sender.MetaSignature: headers["X-Hub-Signature-256"] = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret!), body)); break;
            case Sender.GoogleSignature: headers["X-GrowHalo-Signature"] = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret!), body)); break;
        }
        return headers;
    }

    /// <summary>
    /// What a tenant has stored: its events (Marten's tombstones aside: they only mark the sequence numbers of an append
    /// that rolled back) and its rows in every table with a tenant_id, but the rejections ledger and the connections'
    /// rejection counts, which record what was turned away on purpose, and the customer scores, which a background
    /// service recomputes on its own schedule. Plus the tenants and users, for the endpoints that make them.
    /// </summary>
    public async Task<string> SnapshotAsync(string tenantId)
    {
        if (_snapshotSql is null)
        {
            var tables = new List<string>();
            await using (var cmd = DataSource.CreateCommand("""
                select format('%I.%I', c.table_schema, c.table_name) from information_schema.columns c
                join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
                where c.column_name = 'tenant_id' and t.table_type = 'BASE TABLE'
                  and c.table_schema not in ('wolverine', 'pg_catalog', 'information_schema')
                  and c.table_name not in ('mt_events', 'ingest_rejections', 'ingest_connection_stats', 'customer_scores', 'customer_score_runs')
                order by 1
                """))
            await using (var reader = await cmd.ExecuteReaderAsync())
                while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
            var counts = tables.Select(t => $"'{t}=' || (select count(*) from {t} where tenant_id::text = $1)")
                .Append("'events=' || (select count(*) from mt_events where tenant_id = $1 and type <> 'tombstone')")
                .Append("'tenants=' || (select count(*) from tenants)")
                .Append("'users=' || (select count(*) from users)");
            _snapshotSql = "select " + string.Join(" || ' ' || ", counts);
        }
        await using var snapshot = DataSource.CreateCommand(_snapshotSql);
        snapshot.Parameters.Add(new() { Value = tenantId });
        return (string)(await snapshot.ExecuteScalarAsync())!;
    }
}

/// <summary>A status (0 for no answer), a content type and a body.</summary>
public sealed record Answer(int Status, MediaTypeHeaderValue? ContentType, string Body)
{
    /// <summary>Why this answer breaks the promise for a rejected request (null when it keeps it): a problem with a title and a detail.</summary>
    public string? ProblemFault()
    {
        if (Status == 0) return Body;
        if (Status >= 500) return $"a server error {Status}: {Body}";
        if (Status < 400) return null;
        if (ContentType?.MediaType != "application/problem+json") return $"{Status} as {ContentType?.MediaType ?? "no content type"}, not a problem: {Body}";
        try
        {
            var problem = JsonDocument.Parse(Body).RootElement;
            if (!problem.TryGetProperty("title", out var title) || string.IsNullOrWhiteSpace(title.GetString())) return $"a problem without a title: {Body}";
            if (!problem.TryGetProperty("detail", out var detail) || string.IsNullOrWhiteSpace(detail.GetString())) return $"a problem without a detail: {Body}";
        }
        catch (JsonException)
        {
            return $"a problem that is not JSON: {Body}";
        }
        return null;
    }
}
