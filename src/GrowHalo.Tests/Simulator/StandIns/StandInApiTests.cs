using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Ingestion.Shopify;
using GrowHalo.Simulator.StandIns;
using GrowHalo.Simulator.World;

namespace GrowHalo.Tests.Simulator.StandIns;

public sealed class StandInApiTests
{
    private static readonly DateOnly FirstDay = new(2026, 1, 5);
    private static readonly DateTimeOffset Now = new(2026, 1, 19, 18, 0, 0, TimeSpan.Zero);

    private static async Task<(StandInServer Server, HttpClient Http)> Start(StandInOptions? options = null)
    {
        var state = new StandInState(new SimWorld(new WorldOptions(), FirstDay), new ManualTime(Now), options ?? new StandInOptions { RetryAfterSeconds = 0.1 });
        var server = await StandInServer.StartAsync(state);
        var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        http.DefaultRequestHeaders.Add("X-Shopify-Access-Token", "shpat_test");
        return (server, http);
    }

    [Fact]
    public async Task shopify_rest_follows_link_headers_through_every_order_updated_since_a_time_in_updated_order()
    {
        var (server, http) = await Start();
        await using var owner = server;
        var since = Now.AddDays(-5);
        var url = $"/admin/api/2024-10/orders.json?status=any&limit=50&updated_at_min={Uri.EscapeDataString(since.ToString("o"))}";
        var seen = new List<ShopifyOrder>();
        var pages = 0;
        while (url is not null)
        {
            var response = await http.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Matches(@"^\d+/40$", response.Headers.GetValues("X-Shopify-Shop-Api-Call-Limit").Single());
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            seen.AddRange(body.GetProperty("orders").EnumerateArray().Select(o => ShopifyOrder.Parse(o).ValueOrThrow()));
            url = response.Headers.TryGetValues("Link", out var link) ? LinkNext(link.Single()) : null;
            pages++;
        }
        var expected = server.State.World.Orders(Now).Where(o => o.UpdatedAt(Now) >= since).Select(o => o.Id.ToString()).Order().ToList();
        Assert.True(pages > 3, $"{pages} pages");
        Assert.Equal(expected, seen.Select(o => o.Id).Order().ToList());
        Assert.Equal(seen.Select(o => o.UpdatedAt).Order().ToList(), seen.Select(o => o.UpdatedAt).ToList());
    }

    internal static string? LinkNext(string header) =>
        header.Split(',').Select(p => p.Trim()).Where(p => p.EndsWith("rel=\"next\"", StringComparison.Ordinal))
            .Select(p => p[(p.IndexOf('<') + 1)..p.IndexOf('>')]).FirstOrDefault();

    [Fact]
    public async Task shopify_rest_answers_429_with_retry_after_once_the_leaky_bucket_is_full()
    {
        var (server, http) = await Start(new StandInOptions { BucketSize = 3, LeakPerSecond = 0.01, RetryAfterSeconds = 2 });
        await using var owner = server;
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 4; i++) statuses.Add((last = await http.GetAsync("/admin/api/2024-10/customers.json?limit=1")).StatusCode);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal("2.0", last.Headers.GetValues("Retry-After").Single()); // as Shopify writes it: seconds with a decimal
        Assert.Equal("3/3", last.Headers.GetValues("X-Shopify-Shop-Api-Call-Limit").Single());
    }

    [Fact]
    public async Task shopify_graphql_pages_orders_with_cursors_and_throttles_a_query_over_its_cost_budget()
    {
        var (server, http) = await Start(new StandInOptions { GraphQlMaxCost = 1000, GraphQlRestoreRate = 0.01 });
        await using var owner = server;
        const string query = "query($after: String) { orders(first: 100, after: $after, query: \"updated_at:>='2026-01-18T00:00:00Z'\", sortKey: UPDATED_AT) { edges { cursor node { id updatedAt } } pageInfo { hasNextPage endCursor } } }";
        var ids = new List<string>();
        string? after = null;
        JsonElement body;
        do
        {
            var response = await http.PostAsJsonAsync("/admin/api/2024-10/graphql.json", new { query, variables = new { after } });
            Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            body = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (body.TryGetProperty("errors", out _)) break;
            var orders = body.GetProperty("data").GetProperty("orders");
            ids.AddRange(orders.GetProperty("edges").EnumerateArray().Select(e => ShopifyOrder.Parse(e.GetProperty("node")).ValueOrThrow().Id));
            after = orders.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean()
                ? orders.GetProperty("pageInfo").GetProperty("endCursor").GetString() : null;
            Assert.True(body.GetProperty("extensions").GetProperty("cost").GetProperty("throttleStatus").GetProperty("currentlyAvailable").GetDouble() < 1000);
        } while (after is not null);

        // Each page asks for 402 points of 1000: the third is throttled before the data runs out.
        Assert.Equal("THROTTLED", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal(200, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task meta_insights_pages_campaign_days_with_after_cursors_until_next_is_gone()
    {
        var (server, http) = await Start();
        await using var owner = server;
        var url = "/v19.0/act_1029384756/insights?level=campaign&time_increment=1&access_token=t&limit=10&time_range=" +
                  Uri.EscapeDataString("{\"since\":\"2026-01-05\",\"until\":\"2026-01-19\"}");
        var rows = new List<JsonElement>();
        while (url is not null)
        {
            var body = await http.GetFromJsonAsync<JsonElement>(url);
            rows.AddRange(body.GetProperty("data").EnumerateArray());
            url = body.GetProperty("paging").TryGetProperty("next", out var next) ? next.GetString() : null;
        }
        Assert.Equal(15 * 3, rows.Count);
        Assert.All(rows, r => Assert.Equal(JsonValueKind.String, r.GetProperty("spend").ValueKind));
        Assert.Equal(45, rows.Select(r => (r.GetProperty("campaign_id").GetString(), r.GetProperty("date_start").GetString())).Distinct().Count());
    }

    [Fact]
    public async Task google_search_stream_answers_an_array_of_result_batches_for_a_date_range()
    {
        var (server, http) = await Start(new StandInOptions { GoogleBatchSize = 20 });
        await using var owner = server;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v17/customers/5647382910/googleAds:searchStream")
        {
            Content = JsonContent.Create(new { query = "SELECT campaign.id, metrics.cost_micros, segments.date FROM campaign WHERE segments.date BETWEEN '2026-01-05' AND '2026-01-14'" }),
        };
        request.Headers.Add("developer-token", "dev");
        request.Headers.Add("Authorization", "Bearer t");
        var batches = await (await http.SendAsync(request)).Content.ReadFromJsonAsync<JsonArray>();

        Assert.Equal(2, batches!.Count); // 30 rows in batches of 20
        var rows = GrowHalo.Ingestion.Google.GoogleAdsRow.Rows(JsonSerializer.SerializeToElement(batches));
        Assert.Equal(30, rows.Count);
        Assert.All(rows, r => Assert.True(GrowHalo.Ingestion.Google.GoogleAdsRow.Parse(r).IsValid));
    }

    [Fact]
    public async Task a_stand_in_told_to_fail_fails_exactly_once_and_then_answers_again()
    {
        var (server, http) = await Start();
        await using var owner = server;
        server.State.Faults.FailOnce(StandInApi.ShopifyRest, 500, afterRequests: 1);
        server.State.Faults.FailOnce(StandInApi.ShopifyRest, 429);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++) statuses.Add((await http.GetAsync("/admin/api/2024-10/products.json")).StatusCode);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.InternalServerError, HttpStatusCode.TooManyRequests, HttpStatusCode.OK], statuses);
        Assert.Equal(4, server.State.Faults.Requests(StandInApi.ShopifyRest));
    }
}
