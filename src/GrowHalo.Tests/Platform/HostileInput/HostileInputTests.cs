using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Ingestion;
using Xunit.Abstractions;

namespace GrowHalo.Tests.Platform.HostileInput;

/// <summary>
/// Property-based hostile input (FsCheck) over every endpoint of /openapi/v1.json: each body endpoint gets broken,
/// truncated, mistyped, oversized, deeply nested and Unicode-odd bodies; each endpoint with parameters gets hostile
/// query and path values. Whatever arrives, the answer is a 4xx problem (never a 5xx, never a hang), a rejected
/// request stores nothing, and the server still answers its health check and a valid request afterwards.
/// </summary>
public sealed class HostileInputTests(HostileApp app, ITestOutputHelper output) : IClassFixture<HostileApp>
{
    private const int CasesPerBodyTarget = 35;
    private const int CasesPerSlowBodyTarget = 12; // sign-up and log-in hash passwords (Argon2): fewer cases
    private const int CasesPerParameterOperation = 30;

    [Fact]
    public async Task every_operation_of_the_api_is_attacked_or_excluded_with_a_reason()
    {
        var operations = await OperationsAsync();
        var targets = (await BodyTargetsAsync()).Select(t => t.Operation).ToHashSet();
        var unattacked = operations
            .Where(o => o.TakesBody && !targets.Contains(o.Name) && !HostileTargets.Excluded.ContainsKey(o.Name))
            .Select(o => o.Name).ToList();
        Assert.True(unattacked.Count == 0,
            $"These operations take a body but have no hostile-input target: {string.Join(", ", unattacked)}. Add a BodyTarget or exclude them with a reason.");
        Assert.All(HostileTargets.Excluded.Keys.Where(k => k != "GET /openapi/v1.json"), k => Assert.Contains(k, operations.Select(o => o.Name)));
        var untouched = operations.Where(o => !o.TakesBody && o.Parameters.Count == 0).Select(o => o.Name).ToList();
        output.WriteLine($"Operations taking neither a body nor a parameter (nothing to attack): {string.Join(", ", untouched)}");
    }

    [Fact]
    public async Task hostile_bodies_get_a_problem_never_a_server_error_and_store_nothing()
    {
        var watch = Stopwatch.StartNew();
        var faults = new ConcurrentQueue<string>();
        var unnamed = new ConcurrentQueue<string>();
        var cases = 0;
        var targets = await BodyTargetsAsync();
        foreach (var target in targets)
        {
            var slow = target.Url.StartsWith("/api/auth/", StringComparison.Ordinal);
            var property = Prop.ForAll(HostileBodies.For(target.Template).ToArbitrary(), async (HostileBody body) =>
            {
                Interlocked.Increment(ref cases);
                try
                {
                    var (fault, unnamedField) = await SendAsync(target, body);
                    if (fault is not null) faults.Enqueue($"{target.Name}: {body}\n    → {fault}");
                    if (unnamedField is not null) unnamed.Enqueue($"{target.Name}: {body.Kind} in {body.Field} → {unnamedField}");
                }
                catch (Exception e)
                {
                    faults.Enqueue($"{target.Name}: {body}\n    → the test itself failed: {e}");
                }
                return true; // every fault is collected, so one run shows them all
            });
            await Task.Run(() => Check.One(Seeded(Config.Quick.WithMaxTest(slow ? CasesPerSlowBodyTarget : CasesPerBodyTarget).WithQuietOnSuccess(true)), property));
            await AssertHealthyAsync(target, faults);
        }
        var endpoints = targets.Select(t => t.Operation).Distinct().Count();
        output.WriteLine($"hostile input: {cases} bodies over {endpoints} endpoints ({targets.Count} targets), {faults.Count(f => f.Contains("server error"))} server errors, " +
            $"{faults.Count} faults, {unnamed.Count} field errors not naming the field, in {watch.Elapsed.TotalSeconds:0} s");
        foreach (var u in unnamed.Take(40)) output.WriteLine("  not named: " + u);
        Assert.True(faults.IsEmpty, $"{faults.Count} faults:\n" + string.Join("\n", faults.Take(60)));
        // Every 400 to a field's hostile value names that field, save nesting past the JSON reader's depth limit (it names the byte).
        var unexplained = unnamed.Where(u => !u.Contains(": deep nesting in ", StringComparison.Ordinal)).ToList();
        Assert.True(unexplained.Count == 0, $"{unexplained.Count} field errors do not name the field:\n" + string.Join("\n", unexplained.Take(60)));
    }

    [Fact]
    public async Task hostile_query_and_path_values_get_a_problem_never_a_server_error()
    {
        var watch = Stopwatch.StartNew();
        var faults = new ConcurrentQueue<string>();
        var cases = 0;
        var tenant = await app.CreateTenantAsync("Queried");
        var operations = (await OperationsAsync()).Where(o => o.Parameters.Count > 0 && !HostileTargets.Excluded.ContainsKey(o.Name)).ToList();
        foreach (var operation in operations)
        {
            var property = Prop.ForAll(HostileQueries.For(operation).ToArbitrary(), async (HostileRequest request) =>
            {
                Interlocked.Increment(ref cases);
                try
                {
                    var answer = await app.SendAsync(new HttpMethod(operation.Method), request.Url, null, null,
                        [new("x-api-key", tenant.ApiKey)]);
                    if (answer.ProblemFault() is { } fault) faults.Enqueue($"{operation.Name}: {request}\n    → {fault}");
                }
                catch (Exception e)
                {
                    faults.Enqueue($"{operation.Name}: {request}\n    → the test itself failed: {e}");
                }
                return true;
            });
            await Task.Run(() => Check.One(Seeded(Config.Quick.WithMaxTest(CasesPerParameterOperation).WithQuietOnSuccess(true)), property));
        }
        var health = await app.SendAsync(HttpMethod.Get, "/health/ready", null, null, []);
        Assert.Equal(200, health.Status);
        var metrics = await app.SendAsync(HttpMethod.Get, "/api/v1/metrics/summary?start=2026-03-01&end=2026-03-31", null, null, [new("x-api-key", tenant.ApiKey)]);
        Assert.True(metrics.Status == 200, metrics.Body);
        output.WriteLine($"hostile input: {cases} query and path values over {operations.Count} endpoints, " +
            $"{faults.Count(f => f.Contains("server error"))} server errors, {faults.Count} faults, in {watch.Elapsed.TotalSeconds:0} s");
        Assert.True(faults.IsEmpty, $"{faults.Count} faults:\n" + string.Join("\n", faults.Take(60)));
    }

    /// <summary>Sends one hostile body: why its answer breaks the promise (or null), and the answer when a 400 does not name the field.</summary>
    private async Task<(string? Fault, string? Unnamed)> SendAsync(LiveTarget target, HostileBody body)
    {
        // Accepted requests' events (a case's, or a target's valid request) are projected in the background: let that
        // settle before counting rows.
        await app.WaitForProjectionsAsync();
        var before = await app.SnapshotAsync(target.Tenant.Id);
        var answer = await app.SendAsync(new HttpMethod(target.Method), target.Url, body.Bytes, body.ContentType,
            HostileApp.Headers(target, target.Tenant, body.Bytes, target.Secret));
        if (answer.ProblemFault() is { } fault) return (fault, null);
        if (body.Field is null && answer.Status < 400 && !MayPass(target, body))
            return ($"{answer.Status}: a broken body was accepted: {Shorten(answer.Body)}", null);
        if (answer.Status >= 400 && await app.SnapshotAsync(target.Tenant.Id) is var after && after != before)
            return ($"{answer.Status} but something was stored: {Changed(before, after)}", null);
        return (null, answer.Status == 400 && body.Field is { } field && !Names(answer.Body, field) ? Shorten(answer.Body) : null);
    }

    /// <summary>
    /// The same cases every run, so a build passes or fails for its code, not for the cases it drew: a fixed seed, or
    /// the one in GROWHALO_FSCHECK_SEED ("seed,gamma", or "random" to draw new cases and explore; a failure prints them).
    /// </summary>
    private static Config Seeded(Config config)
    {
        var setting = Environment.GetEnvironmentVariable("GROWHALO_FSCHECK_SEED");
        if (setting == "random") return config;
        var parts = (string.IsNullOrWhiteSpace(setting) ? "20261203,7919" : setting).Split(',');
        return config.WithReplay(ulong.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
            ulong.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) | 1);
    }

    /// <summary>The tables whose counts differ between two snapshots ("table=count …"), as "table before → after".</summary>
    private static string Changed(string before, string after)
    {
        static Dictionary<string, string> Counts(string snapshot) => snapshot.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);
        var (b, a) = (Counts(before), Counts(after));
        var changed = b.Keys.Union(a.Keys).Where(k => b.GetValueOrDefault(k) != a.GetValueOrDefault(k))
            .Select(k => $"{k} {b.GetValueOrDefault(k) ?? "-"} → {a.GetValueOrDefault(k) ?? "-"}").ToList();
        return changed.Count > 0 ? string.Join(", ", changed) : $"{before} → {after}";
    }

    /// <summary>After a target's cases: the server is ready and the endpoint still takes a valid request.</summary>
    private async Task AssertHealthyAsync(LiveTarget target, ConcurrentQueue<string> faults)
    {
        var health = await app.SendAsync(HttpMethod.Get, "/health/ready", null, null, []);
        if (health.Status != 200) faults.Enqueue($"{target.Name}: /health/ready answered {health.Status} afterwards: {health.Body}");
        if (target.Valid is null) return;
        var valid = Encoding.UTF8.GetBytes(target.Valid().ToJsonString());
        var answer = await app.SendAsync(new HttpMethod(target.Method), target.Url, valid, "application/json",
            HostileApp.Headers(target, target.Tenant, valid, target.Secret));
        if (answer.Status is < 200 or >= 300) faults.Enqueue($"{target.Name}: a valid request answered {answer.Status} afterwards: {answer.Body}");
    }

    /// <summary>
    /// Whole bodies that are not an attack on every endpoint: {} (nothing to change, or every field left out), where
    /// the body is optional an empty body or null, and where it may be a list of records an empty list.
    /// </summary>
    private static bool MayPass(LiveTarget target, HostileBody body) =>
        body.Kind == "empty object" || (target.Target.OptionalBody && (body.Bytes.Length == 0 || body.Bytes.AsSpan().SequenceEqual("null"u8))) ||
        (target.Target.TakesList && body.Bytes.AsSpan().SequenceEqual("[]"u8));

    /// <summary>Whether a problem names the field (as sent, or in snake_case / camelCase) a hostile value was put in.</summary>
    private static bool Names(string problem, string path)
    {
        var name = Regex.Replace(path.Split('.')[^1], @"\[0\]$", "");
        var snake = Regex.Replace(name, "([a-z0-9])([A-Z])", "$1_$2").ToLowerInvariant();
        var camel = Regex.Replace(name, "_([a-z])", m => m.Groups[1].Value.ToUpperInvariant());
        return new[] { name, snake, camel }.Any(n => problem.Contains(n, StringComparison.OrdinalIgnoreCase));
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    // ---- targets ----

    private sealed record LiveTarget(BodyTarget Target, TenantClient Tenant, string? Secret, Func<JsonObject>? Valid)
    {
        public string Name => Target.Name;
        public string Method => Target.Method;
        public string Url => Target.Url;
        public string Operation => Target.Operation;
        public Sender Sender => Target.Sender;
        public Func<JsonObject> Template => Target.Template;
        public static implicit operator BodyTarget(LiveTarget t) => t.Target;
    }

    private List<LiveTarget>? _targets;

    private async Task<List<LiveTarget>> BodyTargetsAsync()
    {
        if (_targets is not null) return _targets;
        var targets = new List<LiveTarget>();
        LiveTarget Add(BodyTarget target, TenantClient tenant, string? secret = null, bool validWorks = true, Func<JsonObject>? valid = null)
        {
            var live = new LiveTarget(target, tenant, secret, validWorks ? valid ?? target.Template : null);
            targets.Add(live);
            return live;
        }

        // Ingestion: a batch of each event type of each source.
        var ingest = await app.CreateTenantAsync("Hostile batch");
        foreach (var (source, eventType, payload) in HostileTargets.BatchEvents())
            Add(new BodyTarget("POST /api/v1/ingest/batch", $"batch {source} {eventType}", "/api/v1/ingest/batch", () => new JsonObject
            {
                ["source"] = source,
                ["events"] = new JsonArray(new JsonObject
                {
                    ["eventType"] = eventType, ["payload"] = payload(), ["sourceTimestamp"] = "2026-03-01T14:20:00Z", ["externalId"] = $"x{Unique.Id()}",
                }),
            }), ingest);

        // Webhooks signed with their connection's secret, whatever the body.
        var hooks = await app.CreateTenantAsync("Hostile webhooks");
        var shop = Unique.Shop();
        await app.ConnectAsync(hooks, "shopify", shop, "shopify-hostile-secret");
        Add(new BodyTarget("POST /api/v1/ingest/webhook/{source}", "webhook shopify orders/create", "/api/v1/ingest/webhook/shopify",
            () => Samples.Order(Unique.Id()), Sender.ShopifySignature, new Dictionary<string, string>
            {
                ["X-Shopify-Topic"] = "orders/create", ["X-Shopify-Shop-Domain"] = shop, ["X-Shopify-API-Version"] = "2025-10",
                ["X-Shopify-Webhook-Id"] = Guid.NewGuid().ToString(),
            }), hooks, "shopify-hostile-secret");
        var metaAccount = Unique.Digits();
        await app.ConnectAsync(hooks, "meta", $"act_{metaAccount}", "meta-hostile-secret");
        Add(new BodyTarget("POST /api/v1/ingest/webhook/{source}", "webhook meta", "/api/v1/ingest/webhook/meta",
            () => Samples.MetaEnvelope(Samples.MetaRow($"m{Unique.Id()}", accountId: metaAccount)), Sender.MetaSignature), hooks, "meta-hostile-secret");
        var googleAccount = Unique.Digits();
        await app.ConnectAsync(hooks, "google", googleAccount, "google-hostile-secret");
        Add(new BodyTarget("POST /api/v1/ingest/webhook/{source}", "webhook google", "/api/v1/ingest/webhook/google",
            () => new JsonObject { ["results"] = new JsonArray(Samples.GoogleResult($"g{Unique.Id()}", customerId: googleAccount)) },
            Sender.GoogleSignature, new Dictionary<string, string> { ["X-GrowHalo-Account"] = googleAccount }) { TakesList = true }, hooks, "google-hostile-secret");

        // Connections, sync, segments, tenant settings, keys, members, metrics, FX rates.
        var admin = await app.CreateTenantAsync("Hostile admin");
        Add(new BodyTarget("POST /api/v1/ingest/connections", "create connection", "/api/v1/ingest/connections", () => new JsonObject
        {
            ["source"] = "shopify", ["external_account_id"] = Unique.Shop(), ["display_name"] = "Main store", ["webhook_secret"] = "whsec",
            ["access_token"] = "shpat_token", ["polling_enabled"] = false, ["polling_interval_seconds"] = 900,
        }), admin);
        var connection = await app.ConnectAsync(admin, "shopify", Unique.Shop(), "whsec-2", "shpat_2");
        Add(new BodyTarget("PATCH /api/v1/ingest/connections/{id}", "patch connection", $"/api/v1/ingest/connections/{connection}", () => new JsonObject
        {
            ["display_name"] = "Renamed store", ["enabled"] = true, ["access_token"] = "shpat_3", ["polling_interval_seconds"] = 900,
        }), admin);
        Add(new BodyTarget("POST /api/v1/sync", "start sync", "/api/v1/sync", () => new JsonObject { ["connection_id"] = connection, ["full"] = false })
            { OptionalBody = true }, admin);
        static JsonObject Rules() => new() { ["all"] = new JsonArray(new JsonObject { ["field"] = "orders_count", ["op"] = "gte", ["value"] = 1 }) };
        Add(new BodyTarget("POST /api/v1/segments", "create segment", "/api/v1/segments",
            () => new JsonObject { ["name"] = $"Segment {Guid.NewGuid():N}", ["rules"] = Rules() }), admin);
        var segment = await app.SendAsync(HttpMethod.Post, "/api/v1/segments", Encoding.UTF8.GetBytes(new JsonObject { ["name"] = "Kept", ["rules"] = Rules() }.ToJsonString()),
            "application/json", [new("x-api-key", admin.ApiKey)]);
        Assert.True(segment.Status == 201, segment.Body);
        var segmentId = JsonDocument.Parse(segment.Body).RootElement.GetProperty("id").ToString();
        Add(new BodyTarget("PUT /api/v1/segments/{id}", "update segment", $"/api/v1/segments/{segmentId}",
            () => new JsonObject { ["name"] = $"Segment {Guid.NewGuid():N}", ["rules"] = Rules() }), admin);
        Add(new BodyTarget("PATCH /api/v1/tenant", "tenant settings", "/api/v1/tenant", () => new JsonObject
        {
            ["name"] = "Hostile admin", ["time_zone"] = "Europe/Paris", ["currency"] = "EUR", ["abandoned_checkout_minutes"] = 60, ["recovery_window_days"] = 7,
        }), admin);
        Add(new BodyTarget("POST /api/v1/keys", "create key", "/api/v1/keys", () => new JsonObject
        {
            ["scopes"] = new JsonArray("read", "ingest"), ["label"] = "Reporting", ["expires_at"] = "2030-01-01T00:00:00Z",
        }), admin);
        Add(new BodyTarget("POST /api/v1/tenant/members", "invite member", "/api/v1/tenant/members",
            () => new JsonObject { ["email"] = $"m.{Guid.NewGuid():N}@example.com", ["role"] = "analyst" }), admin);
        Add(new BodyTarget("POST /api/v1/metrics/aggregate", "aggregate metrics", "/api/v1/metrics/aggregate",
            () => new JsonObject { ["start_date"] = "2026-03-01", ["end_date"] = "2026-03-02" }), admin);
        Add(new BodyTarget("POST /api/v1/fx-rates", "fx rates", "/api/v1/fx-rates", () => new JsonObject
        {
            ["rates"] = new JsonArray(new JsonObject { ["date"] = "2026-03-01", ["from"] = "EUR", ["to"] = "USD", ["rate"] = 1.08 }),
        }), admin);
        Add(new BodyTarget("POST /dashboard/sign-in", "dashboard sign-in", "/dashboard/sign-in",
            () => new JsonObject { ["api_key"] = admin.ApiKey }, Sender.Anonymous), admin);

        // Operator and accounts.
        Add(new BodyTarget("POST /api/v1/admin/tenants", "create tenant (operator)", "/api/v1/admin/tenants", () => new JsonObject
        {
            ["name"] = $"Tenant {Guid.NewGuid():N}", ["slug"] = $"t-{Guid.NewGuid():N}"[..20], ["time_zone"] = "UTC", ["currency"] = "USD",
        }, Sender.Operator), admin);
        const string password = "plum-harbour-violin-42";
        Add(new BodyTarget("POST /api/auth/signup", "sign up", "/api/auth/signup", () => new JsonObject
        {
            ["email"] = $"s.{Guid.NewGuid():N}@example.com", ["password"] = password, ["store_name"] = "Hostile store", ["time_zone"] = "UTC", ["currency"] = "USD",
        }, Sender.Anonymous), admin);
        var (probed, kept) = ($"p.{Guid.NewGuid():N}@example.com", $"k.{Guid.NewGuid():N}@example.com");
        foreach (var email in new[] { probed, kept })
        {
            var up = await app.SendAsync(HttpMethod.Post, "/api/auth/signup",
                Encoding.UTF8.GetBytes(new JsonObject { ["email"] = email, ["password"] = password, ["store_name"] = "Login store" }.ToJsonString()), "application/json", []);
            Assert.True(up.Status == 201, up.Body);
        }
        // Hostile passwords count as failures of the probed address; the valid request afterwards signs in with another.
        Add(new BodyTarget("POST /api/auth/login", "log in", "/api/auth/login", () => new JsonObject { ["email"] = probed, ["password"] = password }, Sender.Anonymous),
            admin, valid: () => new JsonObject { ["email"] = kept, ["password"] = password });
        Add(new BodyTarget("POST /api/auth/invites/{token}/accept", "accept invite", "/api/auth/invites/not-a-real-token/accept",
            () => new JsonObject { ["password"] = password }, Sender.Anonymous), admin, validWorks: false);
        return _targets = targets;
    }

    private async Task<List<Operation>> OperationsAsync()
    {
        var answer = await app.SendAsync(HttpMethod.Get, "/openapi/v1.json", null, null, []);
        return Operation.All(JsonDocument.Parse(answer.Body).RootElement);
    }
}
