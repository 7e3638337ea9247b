using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using GrowHalo.Ingestion;
using GrowHalo.Platform.Events;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Customers.Segments;

/// <summary>Segment requests as a client sends them, and a shop whose customers differ on every field a rule can name.</summary>
public static class SegmentScenarios
{
    public static DateTimeOffset Utc(int month, int day, int hour = 12) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    /// <summary>POST /api/v1/segments with <paramref name="rules"/> as raw JSON; answers the 201's body and Location.</summary>
    public static async Task<(JsonElement Body, string Location)> CreateSegmentAsync(this TenantClient client, string name, string rules)
    {
        var result = await client.Scenario(s =>
        {
            s.Post.Json(new JsonObject { ["name"] = name, ["rules"] = JsonNode.Parse(rules) }).ToUrl("/api/v1/segments");
            s.StatusCodeShouldBe(HttpStatusCode.Created);
        });
        var body = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.Clone();
        return (body, result.Context.Response.Headers.Location.ToString());
    }

    public static async Task<string> SegmentIdAsync(this TenantClient client, string rules, string? name = null) =>
        (await client.CreateSegmentAsync(name ?? $"segment {Guid.NewGuid():N}", rules)).Body.GetProperty("id").GetString()!;

    /// <summary>Sends <paramref name="body"/> (raw JSON) and expects <paramref name="status"/>; the answer's JSON (default when empty).</summary>
    public static async Task<JsonElement> SendAsync(this TenantClient client, string method, string url, string? body, HttpStatusCode status)
    {
        var result = await client.Scenario(s =>
        {
            _ = method switch
            {
                "GET" => s.Get.Url(url),
                "DELETE" => s.Delete.Url(url),
                "POST" => s.Post.Json(JsonNode.Parse(body ?? "{}")).ToUrl(url),
                "PUT" => s.Put.Json(JsonNode.Parse(body ?? "{}")).ToUrl(url),
                _ => throw new NotSupportedException(method),
            };
            s.StatusCodeShouldBe(status);
        });
        var text = await result.ReadAsTextAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static List<string> Keys(JsonElement page) =>
        page.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("customer_key").GetString()!).ToList();

    /// <summary>The same tenant with a second key of <paramref name="scopes"/>.</summary>
    public static async Task<TenantClient> WithKeyAsync(this GrowHaloApp app, TenantClient shop, params string[] scopes)
    {
        var key = await app.Service<ApiKeyStore>().CreateAsync(shop.Id, scopes, "test");
        return shop with { ApiKey = key.RawKey, Http = app.ClientWithKey(key.RawKey) };
    }

    private static NewEvent Record(string tenant, long id, string email, string first, string last, string? city, string? country) =>
        Event(tenant, $"shopify:customer:{id}", $"customers:{id}", SourceEventTypes.ShopifyCustomer, JsonSerializer.SerializeToElement(new JsonObject
        {
            ["id"] = id, ["email"] = email, ["first_name"] = first, ["last_name"] = last,
            ["created_at"] = Time(Utc(1, 1)), ["updated_at"] = Time(Utc(1, 1)),
            ["default_address"] = new JsonObject { ["city"] = city, ["country_code"] = country },
        }));

    /// <summary>
    /// Today is 2026-03-18 (UTC). Customers:
    /// id:1 Ada, London GB, orders 300 (03-01) + 100 (03-09): 2 orders, 400, 9 days ago; scored R5 F5 M5 Champions, p 0.9, active; tags VIP, newsletter; marketing yes.
    /// id:2 Grace, Arlington US, 250 (02-01): 1 order, 45 days ago; scored R1 F1 M4 Lost, p 0.2, lost; tag wholesale; marketing no.
    /// id:3 Alan, no place, no orders; not scored; no tags; marketing unknown.
    /// id:4 Bob, "Bob, "The Builder"" O'Brien, Paris FR, 40 today; not scored; no tags; marketing yes.
    /// email:guest@example.com, a guest, 55.55 (03-17); scored R5 F1 M2 New, p 0.7, at_risk.
    /// </summary>
    public static async Task<TenantClient> ShopAsync(this MetricsApp app)
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Record(shop.Id, 1, "ada@example.com", "Ada", "Lovelace", "London", "GB"),
            Record(shop.Id, 2, "grace@example.com", "Grace", "Hopper", "Arlington", "US"),
            Record(shop.Id, 3, "alan@example.com", "Alan", "Turing", null, null),
            Record(shop.Id, 4, "bob@example.com", "Bob, \"The Builder\"", "O'Brien", "Paris", "FR"),
            Order(shop.Id, new OrderSpec(11, Utc(3, 1), 300m, CustomerId: 1)),
            Order(shop.Id, new OrderSpec(12, Utc(3, 9), 100m, CustomerId: 1)),
            Order(shop.Id, new OrderSpec(21, Utc(2, 1), 250m, CustomerId: 2)),
            Order(shop.Id, new OrderSpec(41, Utc(3, 18, 8), 40m, CustomerId: 4)),
            Order(shop.Id, new OrderSpec(51, Utc(3, 17), 55.55m, Email: "guest@example.com")));
        // Test-only: scores, tags and consent written straight into the read models through the owner's connection,
        // so each rule meets chosen values (real scoring and records are tested in Scoring/ and CustomerDetailTests).
        // Under the scoring's own locks, with a run for today whose data is "newer than any event", so neither an
        // endpoint nor the background service rescores them.
        await using (var conn = await app.DataSource.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            foreach (var sql in new[]
            {
                """
                select pg_advisory_xact_lock_shared(hashtextextended('growhalo:customer-scores', 0)),
                       pg_advisory_xact_lock(hashtextextended('growhalo:customer-scores:' || $1, 0))
                """,
                "delete from customer_scores where tenant_id = $1",
                """
                insert into customer_scores (tenant_id, customer_key, r, f, m, rfm_segment, p_alive, expected_orders_90d, churn_status)
                values ($1, 'id:1', 5, 5, 5, 'Champions', 0.9, 1.2, 'active'),
                       ($1, 'id:2', 1, 1, 4, 'Lost', 0.2, 0.1, 'lost'),
                       ($1, 'email:guest@example.com', 5, 1, 2, 'New', 0.7, 0.5, 'at_risk')
                """,
                """
                insert into customer_score_runs (tenant_id, as_of, scored_at, customers, churn_model)
                values ($1, '2026-03-18', now(), 3, '{"data_as_of": "infinity"}')
                on conflict (tenant_id) do update set as_of = excluded.as_of, scored_at = excluded.scored_at,
                    customers = excluded.customers, churn_model = excluded.churn_model
                """,
            })
            {
                await using var cmd = new Npgsql.NpgsqlCommand(sql, conn, tx) { Parameters = { new() { Value = shop.Id } } };
                await cmd.ExecuteNonQueryAsync();
            }
            await tx.CommitAsync();
        }
        await app.ExecAsync("""
            update customers set
                tags = case customer_key when 'id:1' then '{VIP,newsletter}'::text[] when 'id:2' then '{wholesale}' else '{}' end,
                accepts_marketing = case customer_key when 'id:1' then true when 'id:2' then false when 'id:4' then true end
            where tenant_id = $1
            """, shop.Id);
        return shop;
    }

    /// <summary>Test-only SQL on the owner's connection (no row-level security): for rows no endpoint writes.</summary>
    public static async Task ExecAsync(this GrowHaloApp app, string sql, params object[] args)
    {
        await using var cmd = app.DataSource.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = a });
        await cmd.ExecuteNonQueryAsync();
    }
}
