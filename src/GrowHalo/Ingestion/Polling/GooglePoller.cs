using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Ingestion.Google;

namespace GrowHalo.Ingestion.Polling;

/// <summary>
/// Google Ads by segments.date: one <c>googleAds:searchStream</c> request per few days (its answer is every batch
/// at once), committed with the cursor that moves past those days. Trailing days are re-pulled like Meta's.
/// </summary>
public sealed class GooglePoller(PlatformHttp http, PollingOptions options, TimeProvider time, IConfiguration configuration)
{
    public const string ApiVersion = "v17";

    public async Task RunAsync(PollPass pass, JsonObject cursor, CancellationToken ct)
    {
        var target = pass.Target;
        var developerToken = configuration["Polling:GoogleDeveloperToken"] ?? "growhalo";
        var plan = AdDayWindow.Plan(cursor, target.Today(time.GetUtcNow()), options).ToList();
        await pass.TotalAsync(plan.Sum(c => c.Days), ct);
        foreach (var chunk in plan)
        {
            var query = "SELECT customer.id, customer.currency_code, customer.time_zone, campaign.id, campaign.name, metrics.cost_micros, " +
                        "metrics.impressions, metrics.clicks, metrics.conversions, metrics.conversions_value, segments.date FROM campaign " +
                        $"WHERE segments.date BETWEEN '{AdDayWindow.Text(chunk.Since)}' AND '{AdDayWindow.Text(chunk.Until)}'";
            var (response, body) = await http.SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, $"{target.BaseUrl}/{ApiVersion}/customers/{target.Account}/googleAds:searchStream")
                {
                    Content = JsonContent(new JsonObject { ["query"] = query }),
                };
                request.Headers.Add("developer-token", developerToken);
                request.Headers.Add("Authorization", $"Bearer {target.AccessToken}");
                return request;
            }, ct);
            response.Dispose();
            JsonElement json;
            try { json = JsonSerializer.Deserialize<JsonElement>(body); }
            catch (JsonException e) { throw new PollingException($"Google Ads answered something that is not JSON: {e.Message}"); }
            cursor = AdDayWindow.After(cursor, chunk, null);
            pass.Done(chunk.Days);
            await pass.CommitAsync("ad_spend", GoogleAdsRow.Rows(json).Where(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty("campaign", out _)),
                cursor, ct, $"ad days {chunk}");
        }
    }

    private static StringContent JsonContent(JsonObject body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
