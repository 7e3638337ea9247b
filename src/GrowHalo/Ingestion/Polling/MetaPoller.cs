using System.Text.Json;
using System.Text.Json.Nodes;

namespace GrowHalo.Ingestion.Polling;

/// <summary>
/// Meta insights by day: <c>GET /v19.0/act_{id}/insights?level=campaign&amp;time_increment=1&amp;time_range=…</c>,
/// following <c>paging.cursors.after</c> while <c>paging.next</c> is present. Re-pulling the trailing days appends
/// restated rows as new events and unchanged rows as duplicates (the row's key hashes its metric values).
/// </summary>
public sealed class MetaPoller(PlatformHttp http, PollingOptions options, TimeProvider time)
{
    public const string ApiVersion = "v19.0";
    private const string Fields = "account_id,account_currency,campaign_id,campaign_name,spend,impressions,clicks,actions,action_values,date_start,date_stop";

    public async Task RunAsync(PollPass pass, JsonObject cursor, CancellationToken ct)
    {
        var target = pass.Target;
        var plan = AdDayWindow.Plan(cursor, target.Today(time.GetUtcNow()), options).ToList();
        await pass.TotalAsync(plan.Sum(c => c.Days), ct);
        foreach (var chunk in plan)
        {
            var after = chunk.After;
            do
            {
                var range = $"{{\"since\":\"{AdDayWindow.Text(chunk.Since)}\",\"until\":\"{AdDayWindow.Text(chunk.Until)}\"}}";
                var url = $"{target.BaseUrl}/{ApiVersion}/act_{target.Account}/insights?level=campaign&time_increment=1&limit=100" +
                          $"&fields={Fields}&time_range={Uri.EscapeDataString(range)}&access_token={Uri.EscapeDataString(target.AccessToken)}" +
                          (after is null ? "" : $"&after={Uri.EscapeDataString(after)}");
                var (response, body) = await http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, url), ct);
                response.Dispose();
                var json = Parse(body);
                var rows = json.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array ? data.EnumerateArray().ToList() : [];
                var paging = json.TryGetProperty("paging", out var p) ? p : default;
                after = paging.ValueKind == JsonValueKind.Object && paging.TryGetProperty("next", out _) &&
                        paging.TryGetProperty("cursors", out var cursors) && cursors.TryGetProperty("after", out var a) ? a.GetString() : null;
                cursor = AdDayWindow.After(cursor, chunk, after);
                if (after is null) pass.Done(chunk.Days);
                await pass.CommitAsync("ad_spend", rows, cursor, ct, $"ad days {chunk}");
            } while (after is not null);
        }
    }

    private static JsonElement Parse(string body)
    {
        try { return JsonSerializer.Deserialize<JsonElement>(body); }
        catch (JsonException e) { throw new PollingException($"Meta insights answered something that is not JSON: {e.Message}"); }
    }
}
