using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Platform.Accounts;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Ingestion;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace GrowHalo.Tests.Platform.Security;

/// <summary>
/// Walks every route the server serves with tenant B's credentials against tenant A's ids: each route with an id of
/// A's answers 404 (or 403), routes without one answer nothing of A's, and afterwards nothing of A's has changed.
/// A route missing from <see cref="Walk"/> fails the test: a new route must be walked or excluded with a reason.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class TenantWalkTests(SecurityApp app, ITestOutputHelper output)
{
    /// <summary>A's ids, and the strings none of B's answers may contain.</summary>
    private sealed record Ids(string Tenant, string Connection, string Account, string Key, string Segment, string SegmentName,
        string Batch, string SyncRun, string Privacy, string User, string Order, string Customer)
    {
        public IEnumerable<string> Markers => [Tenant, Connection, Account, Key, Segment, SegmentName, Batch, SyncRun, Privacy, User];
    }

    private enum Expect
    {
        /// <summary>An id of A's in the route or query: 404 (or 403), like a made-up id.</summary>
        Foreign,
        /// <summary>An id of A's in the body: refused (4xx), nothing of A's named.</summary>
        Refused,
        /// <summary>No id: B's own data only (any non-5xx answer, nothing of A's in it).</summary>
        Own,
    }

    private sealed record Call(HttpMethod Method, string Url, object? Body, Expect Expect);

    private sealed record Cover(Func<Ids, Call>? Make, string? Reason);

    private static Cover Foreign(string method, Func<Ids, string> url, object? body = null) =>
        new(ids => new Call(new HttpMethod(method), url(ids), body, Expect.Foreign), null);
    private static Cover Refused(string method, string url, Func<Ids, object> body) =>
        new(ids => new Call(new HttpMethod(method), url, body(ids), Expect.Refused), null);
    private static Cover Own(string method, string url, object? body = null) =>
        new(_ => new Call(new HttpMethod(method), url, body, Expect.Own), null);
    private static Cover Get(string url) => Own("GET", url);
    private static Cover Excluded(string reason) => new(null, reason);

    private static readonly object Rules = new { all = new[] { new { field = "orders_count", op = "gte", value = 1 } } };

    private static readonly Dictionary<string, Cover> Walk = new()
    {
        // Not tenant data, or the tenant does not come from a key.
        ["GET /"] = Excluded("a redirect to /dashboard; no data"),
        ["GET /dashboard"] = Excluded("the page shell, the same for everyone; its data comes from the routes walked here"),
        ["GET /dashboard/assets/{name}"] = Excluded("the dashboard's static bundle, the same for everyone"),
        ["GET /health"] = Excluded("liveness; no tenant data"),
        ["GET /health/ready"] = Excluded("readiness; no tenant data"),
        ["GET /openapi/v1.json"] = Excluded("the API's description"),
        ["GET /auth/shopify/install"] = Excluded("starts an install for the caller's own tenant; the shop's owner approves it at Shopify (ShopifyAppInstallTests)"),
        ["GET /auth/shopify/callback"] = Excluded("Shopify's signed redirect; the tenant comes from the one-time state GrowHalo issued (ShopifyAppInstallTests)"),
        ["POST /api/v1/ingest/webhook/{source}"] = Excluded("the tenant is the connection whose secret signs the body (WebhookConnectionChangeTests)"),
        ["POST /api/v1/admin/tenants"] = Excluded("the operator's (operator key), not a tenant's"),
        ["POST /api/auth/signup"] = Excluded("a person's own account; no tenant id"),
        ["POST /api/auth/login"] = Excluded("a person's own account; no tenant id"),
        ["POST /api/auth/logout"] = Excluded("ends the caller's own session"),
        ["GET /api/auth/me"] = Excluded("the signed-in person's own memberships (MembersTests)"),
        ["POST /api/auth/password"] = Excluded("the signed-in person's own password"),
        ["POST /api/auth/tenant"] = Excluded("switches among the signed-in person's own memberships; a key has none (MembersTests)"),
        ["POST /api/auth/invites/{token}/accept"] = Excluded("the token is the credential (random, single use), not a tenant id"),
        ["POST /dashboard/sign-in"] = Excluded("signs in with a key: the tenant is the key's"),
        ["GET /dashboard/sign-in"] = Excluded("spends a one-time link: the tenant is the link's"),
        ["POST /dashboard/sign-out"] = Excluded("ends the caller's own session"),
        ["GET /dashboard/live"] = Excluded("an endless event stream of the caller's own tenant (Dashboard Live tests)"),
        ["POST /api/v1/fx-rates"] = Excluded("no id: stores the caller's own rates (FxRateTests)"),

        // Ingestion.
        ["POST /api/v1/ingest/batch"] = Refused("POST", "/api/v1/ingest/batch", ids => new
        {
            source = "shopify", connection_id = ids.Connection,
            events = new[] { new { event_type = "order", payload = (JsonNode)Samples.Order(Unique.Id()), source_timestamp = "2026-03-01T14:20:00Z" } },
        }),
        ["GET /api/v1/ingest/batches"] = Get("/api/v1/ingest/batches"),
        ["GET /api/v1/ingest/batches/{id}"] = Foreign("GET", ids => $"/api/v1/ingest/batches/{ids.Batch}"),
        ["POST /api/v1/ingest/connections"] = Refused("POST", "/api/v1/ingest/connections", ids => new { source = "meta", external_account_id = ids.Account }),
        ["GET /api/v1/ingest/connections"] = Get("/api/v1/ingest/connections"),
        ["PATCH /api/v1/ingest/connections/{id}"] = Foreign("PATCH", ids => $"/api/v1/ingest/connections/{ids.Connection}", new { enabled = false }),
        ["GET /api/v1/ingest/status"] = Get("/api/v1/ingest/status"),
        ["POST /api/v1/sync"] = Refused("POST", "/api/v1/sync", ids => new { connection_id = ids.Connection }),
        ["GET /api/v1/sync"] = Get("/api/v1/sync"),
        ["GET /api/v1/sync/{id}"] = Foreign("GET", ids => $"/api/v1/sync/{ids.SyncRun}"),
        ["POST /api/v1/sync/{id}/cancel"] = Foreign("POST", ids => $"/api/v1/sync/{ids.SyncRun}/cancel"),
        ["GET /api/v1/sync/{id}/events"] = Foreign("GET", ids => $"/api/v1/sync/{ids.SyncRun}/events"),
        ["GET /api/v1/ingest/syncs"] = Get("/api/v1/ingest/syncs"),
        ["POST /api/v1/ingest/syncs/{id}/trigger"] = Foreign("POST", ids => $"/api/v1/ingest/syncs/{ids.Connection}/trigger"),
        ["POST /api/v1/ingest/syncs/{id}/reset"] = Foreign("POST", ids => $"/api/v1/ingest/syncs/{ids.Connection}/reset"),

        // Analytics and customers.
        ["GET /api/v1/analytics/repeat-rate"] = Get("/api/v1/analytics/repeat-rate"),
        ["GET /api/v1/analytics/top-customers"] = Get("/api/v1/analytics/top-customers"),
        ["GET /api/v1/analytics/rfm"] = Get("/api/v1/analytics/rfm"),
        ["GET /api/v1/analytics/cohorts"] = Get("/api/v1/analytics/cohorts"),
        ["GET /api/v1/analytics/checkouts"] = Get("/api/v1/analytics/checkouts"),
        ["GET /api/v1/analytics/churn"] = Get("/api/v1/analytics/churn"),
        ["GET /api/v1/customers/{customer_key}"] = Foreign("GET", ids => $"/api/v1/customers/{Uri.EscapeDataString(ids.Customer)}"),
        ["GET /api/v1/customers/{customer_key}/timeline"] = Foreign("GET", ids => $"/api/v1/customers/{Uri.EscapeDataString(ids.Customer)}/timeline"),
        ["GET /api/v1/customers"] = Foreign("GET", ids => $"/api/v1/customers?segment={ids.Segment}"),
        ["GET /api/v1/orders"] = Get("/api/v1/orders"),
        ["GET /api/v1/orders/{id}"] = Foreign("GET", ids => $"/api/v1/orders/{ids.Order}"),
        ["GET /api/v1/products"] = Get("/api/v1/products?start=2026-02-01&end=2026-03-31"),
        ["POST /api/v1/segments"] = Own("POST", "/api/v1/segments", new { name = "B's own", rules = Rules }),
        ["GET /api/v1/segments"] = Get("/api/v1/segments"),
        ["GET /api/v1/segments/{id}"] = Foreign("GET", ids => $"/api/v1/segments/{ids.Segment}"),
        ["PUT /api/v1/segments/{id}"] = Foreign("PUT", ids => $"/api/v1/segments/{ids.Segment}", new { name = "taken over", rules = Rules }),
        ["DELETE /api/v1/segments/{id}"] = Foreign("DELETE", ids => $"/api/v1/segments/{ids.Segment}"),
        ["GET /api/v1/segments/{id}/members"] = Foreign("GET", ids => $"/api/v1/segments/{ids.Segment}/members"),
        ["POST /api/v1/segments/{id}/refresh"] = Foreign("POST", ids => $"/api/v1/segments/{ids.Segment}/refresh"),
        ["GET /api/v1/metrics"] = Get("/api/v1/metrics"),
        ["GET /api/v1/metrics/ad-spend"] = Get("/api/v1/metrics/ad-spend"),
        ["POST /api/v1/metrics/aggregate"] = Own("POST", "/api/v1/metrics/aggregate", new { start_date = "2026-03-01", end_date = "2026-03-05" }),
        ["GET /api/v1/metrics/data-quality"] = Get("/api/v1/metrics/data-quality"),
        ["GET /api/v1/metrics/summary"] = Get("/api/v1/metrics/summary"),

        // Privacy, keys, tenant, members, dashboard session.
        ["GET /api/v1/privacy/requests"] = Get("/api/v1/privacy/requests"),
        ["GET /api/v1/privacy/requests/{id}"] = Foreign("GET", ids => $"/api/v1/privacy/requests/{ids.Privacy}"),
        ["GET /api/v1/privacy/requests/{id}/export"] = Foreign("GET", ids => $"/api/v1/privacy/requests/{ids.Privacy}/export"),
        ["POST /api/v1/keys"] = Own("POST", "/api/v1/keys", new { scopes = new[] { "read" }, label = "B's" }),
        ["GET /api/v1/keys"] = Get("/api/v1/keys"),
        ["GET /api/v1/keys/{id}"] = Foreign("GET", ids => $"/api/v1/keys/{ids.Key}"),
        ["DELETE /api/v1/keys/{id}"] = Foreign("DELETE", ids => $"/api/v1/keys/{ids.Key}"),
        ["GET /api/v1/tenant"] = Get("/api/v1/tenant"),
        ["PATCH /api/v1/tenant"] = Own("PATCH", "/api/v1/tenant", new { name = "B renamed" }),
        ["POST /api/v1/tenant/members"] = Own("POST", "/api/v1/tenant/members", new { email = $"walk-{Guid.NewGuid():N}@example.com", role = "analyst" }),
        ["GET /api/v1/tenant/members"] = Get("/api/v1/tenant/members"),
        ["DELETE /api/v1/tenant/members/{userId}"] = Foreign("DELETE", ids => $"/api/v1/tenant/members/{ids.User}"),
        ["GET /dashboard/session"] = Get("/dashboard/session"),
    };

    /// <summary>Every route the server serves, as "METHOD /pattern" (constraints dropped).</summary>
    private List<string> Routes() => app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
        .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m =>
            $"{m} /{string.Join('/', e.RoutePattern.RawText!.Trim('/').Split('/').Select(s => s.Contains(':') ? s[..s.IndexOf(':')] + "}" : s))}"))
        .Distinct().Order().ToList();

    [Fact]
    public void every_route_is_walked_or_excluded_with_a_reason()
    {
        var routes = Routes();
        var missing = routes.Except(Walk.Keys).ToList();
        var stale = Walk.Keys.Except(routes).ToList();
        Assert.True(missing.Count == 0, "Routes not covered by the tenant walk (add them to Walk, or exclude them with a reason): " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, "Walk entries for routes the server does not serve: " + string.Join(", ", stale));
        Assert.All(Walk.Values.Where(c => c.Make is null), c => Assert.False(string.IsNullOrWhiteSpace(c.Reason)));
    }

    [Fact]
    public async Task tenant_b_reaches_nothing_of_tenant_a_through_any_route()
    {
        var a = await app.CreateTenantAsync("Alpha");
        var b = await app.CreateTenantAsync("Bravo");
        var ids = await SeedAsync(a);
        await SeedOwnAsync(b);
        await app.WaitForProjectionsAsync();
        var before = await SnapshotAsync(a.Id);

        var failures = new List<string>();
        var walked = 0;
        foreach (var (route, cover) in Walk.OrderBy(w => w.Key))
        {
            if (cover.Make is null) continue;
            var call = cover.Make(ids);
            using var request = new HttpRequestMessage(call.Method, call.Url);
            if (call.Body is not null) request.Content = JsonContent.Create(call.Body);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            using var response = await b.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            var status = (int)response.StatusCode;
            var body = status is 200 && response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? "" : await response.Content.ReadAsStringAsync(cts.Token);
            walked++;
            output.WriteLine($"{route} → {status} {(body.Length > 200 ? body[..200] : body)}");
            var ok = call.Expect switch
            {
                Expect.Foreign => status is 404 or 403,
                Expect.Refused => status is >= 400 and < 500,
                _ => status < 500,
            };
            if (!ok) failures.Add($"{route} ({call.Method} {call.Url}) answered {status}, expected {call.Expect}: {body}");
            // A 404 may repeat the id B sent; anything else of A's in an answer is a leak.
            var sent = call.Url + JsonSerializer.Serialize(call.Body);
            foreach (var marker in ids.Markers.Where(m => !sent.Contains(m, StringComparison.OrdinalIgnoreCase) && body.Contains(m, StringComparison.OrdinalIgnoreCase)))
                failures.Add($"{route} answered B with A's {marker}: {body}");
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(walked >= 50, $"only {walked} routes walked");
        Assert.Equal(before, await SnapshotAsync(a.Id));
        // A's own key still sees A's things.
        var connections = await a.GetJsonAsync<JsonElement>("/api/v1/ingest/connections");
        Assert.Contains(ids.Connection, connections.GetRawText());
        Assert.Contains(ids.Segment, (await a.GetJsonAsync<JsonElement>($"/api/v1/segments/{ids.Segment}")).GetRawText());
    }

    private async Task<Ids> SeedAsync(TenantClient a)
    {
        var account = Unique.Digits();
        var connection = await app.ConnectAsync(a, "meta", account, "secret", "token");
        var key = (await a.GetJsonAsync<JsonElement>("/api/v1/keys")).GetProperty("data")[0].GetProperty("id").GetString()!;
        var segmentName = $"A-only {Guid.NewGuid():N}";
        var segment = await a.PostJsonAsync("/api/v1/segments", new { name = segmentName, rules = Rules });
        Assert.True(segment.StatusCode == HttpStatusCode.Created, await segment.Content.ReadAsStringAsync());
        var segmentId = (await segment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var orderId = Unique.Id();
        var batch = await a.PostJsonAsync("/api/v1/ingest/batch", new
        {
            source = "shopify",
            events = new[] { new { event_type = "order", payload = (JsonNode)Samples.Order(orderId), source_timestamp = "2026-03-01T14:20:00Z", external_id = $"{orderId}" } },
        });
        Assert.True(batch.StatusCode == HttpStatusCode.Created, await batch.Content.ReadAsStringAsync());
        var batchId = (await batch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await app.WaitForProjectionsAsync();
        var customer = await ScalarAsync("select customer_key from customers where tenant_id = $1 limit 1", a.Id)
            ?? throw new InvalidOperationException("The seeded order made no customer.");
        var order = await ScalarAsync("select order_id from orders where tenant_id = $1 limit 1", a.Id) ?? $"{orderId}";

        var syncRun = Guid.NewGuid();
        await ExecuteAsync("""
            insert into sync_runs (id, tenant_id, connection_id, kind, state, requested_at, started_at, finished_at, lock_key)
            values ($1, $2, $3, 'poll', 'completed', now(), now(), now(), 'connection:' || $3)
            """, syncRun, a.Id, connection);
        var privacy = Guid.NewGuid();
        await ExecuteAsync("""
            insert into privacy_requests (id, tenant_id, kind, shop_domain, received_at, completed_at, state, next_attempt_at, export)
            values ($1, $2, 'data_request', 'a-shop.myshopify.com', now(), now(), 'completed', now(), '{}'::jsonb)
            """, privacy, a.Id);
        await app.Service<DemoUser>().EnsureAsync(a.Id, CancellationToken.None);
        var user = await ScalarAsync("select user_id::text from memberships where tenant_id = $1 limit 1", a.Id)
            ?? throw new InvalidOperationException("No member.");
        return new Ids(a.Id, connection, account, key, segmentId, segmentName, batchId, syncRun.ToString(), privacy.ToString(), user, order, customer);
    }

    /// <summary>B has data of its own, so its lists are not empty by accident.</summary>
    private async Task SeedOwnAsync(TenantClient b)
    {
        await app.ConnectAsync(b, "google", Unique.Digits(), "secret", "token");
        await b.PostJsonAsync("/api/v1/segments", new { name = "B's segment", rules = Rules });
    }

    /// <summary>A digest of everything A owns in the tables the walk could touch.</summary>
    private async Task<string> SnapshotAsync(string tenantId)
    {
        var digest = new StringBuilder();
        foreach (var table in new[] { "ingest_connections", "api_keys", "segments", "ingest_batches", "sync_runs", "privacy_requests", "memberships", "member_invites", "orders", "customers" })
            digest.Append(table).Append('=').Append(await ScalarAsync(
                $"select count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '') from {table} t where tenant_id = $1", tenantId)).Append(';');
        digest.Append("tenant=").Append(await ScalarAsync("select md5(t::text) from tenants t where id = $1", tenantId)).Append(';');
        digest.Append("events=").Append(await ScalarAsync("select count(*)::text from mt_events where tenant_id = $1", tenantId));
        return digest.ToString();
    }

    private async Task<string?> ScalarAsync(string sql, params object[] args)
    {
        await using var cmd = app.DataSource.CreateCommand(sql);
        foreach (var arg in args) cmd.Parameters.Add(new() { Value = arg });
        return await cmd.ExecuteScalarAsync() as string;
    }

    private async Task ExecuteAsync(string sql, params object[] args)
    {
        await using var cmd = app.DataSource.CreateCommand(sql);
        foreach (var arg in args) cmd.Parameters.Add(new() { Value = arg });
        await cmd.ExecuteNonQueryAsync();
    }
}
