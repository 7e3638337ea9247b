using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GrowHalo.Ingestion.Polling;

/// <summary>
/// Shopify Admin REST by updated_at: for each resource, pages of <c>updated_at_min</c>-filtered records in updated_at
/// order, following <c>Link rel="next"</c>. The cursor keeps, per resource, the pass's updated_at_min, the page_info of
/// the next page (so a restarted pass resumes where it stopped) and the newest updated_at seen, which becomes the next
/// pass's updated_at_min (inclusive: the newest records come again as duplicates, never missed).
/// </summary>
public sealed partial class ShopifyPoller(PlatformHttp http, PollingOptions options, TimeProvider time)
{
    public const string ApiVersion = "2024-10";

    /// <summary>The next pass starts this much before the newest updated_at seen, for records that commit a little late.</summary>
    private static readonly TimeSpan Overlap = TimeSpan.FromMinutes(1);
    private static readonly (string Plural, string Resource)[] Resources =
        [("products", "product"), ("customers", "customer"), ("orders", "order"), ("checkouts", "checkout")];

    public async Task RunAsync(PollPass pass, JsonObject cursor, CancellationToken ct)
    {
        if (pass.Watched && await TotalAsync(pass.Target, cursor, ct) is { } total) await pass.TotalAsync(total, ct);
        foreach (var (plural, resource) in Resources)
            await PollResourceAsync(pass, cursor, plural, resource, ct);
    }

    private async Task PollResourceAsync(PollPass pass, JsonObject cursor, string plural, string resource, CancellationToken ct)
    {
        var state = cursor[plural] as JsonObject;
        var min = Time(state?["updated_at_min"]) ?? time.GetUtcNow().AddDays(-options.BackfillDays);
        var high = Time(state?["high_water"]);
        var pageInfo = state?["page_info"]?.GetValue<string>();
        var page = 0;
        while (true)
        {
            JsonElement body;
            string? next;
            try
            {
                (body, next) = await FetchAsync(pass.Target, plural, min, pageInfo, ct);
            }
            catch (PollingException e) when (e.Status == 400 && pageInfo is not null)
            {
                pageInfo = null; // an expired page_info: start the pass over from updated_at_min (repeats are duplicates)
                continue;
            }
            var records = body.TryGetProperty(plural, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : [];
            foreach (var r in records)
                if (r.TryGetProperty("updated_at", out var u) && Time(u.GetString()) is { } at && (high is null || at > high)) high = at;
            cursor[plural] = next is not null
                ? new JsonObject { ["updated_at_min"] = Stamp(min), ["page_info"] = next, ["high_water"] = high is null ? null : Stamp(high.Value) }
                : new JsonObject { ["updated_at_min"] = Stamp(high is null ? min : Max(min, high.Value - Overlap)) };
            await pass.CommitAsync(resource, records, (JsonObject)cursor.DeepClone(), ct, $"{plural} page {++page}", recordUnits: true);
            if (next is null) return;
            pageInfo = next;
        }
    }

    /// <summary>
    /// How many records the pass will read: Shopify's <c>GET …/{resource}/count.json</c> with each resource's
    /// updated_at_min. Only a watched pass asks (a sync run's percent); a count that fails leaves the total unknown.
    /// </summary>
    private async Task<long?> TotalAsync(PollTarget target, JsonObject cursor, CancellationToken ct)
    {
        long total = 0;
        foreach (var (plural, _) in Resources)
        {
            var min = Time((cursor[plural] as JsonObject)?["updated_at_min"]) ?? time.GetUtcNow().AddDays(-options.BackfillDays);
            var url = $"{target.BaseUrl}/admin/api/{ApiVersion}/{plural}/count.json?updated_at_min={Uri.EscapeDataString(Stamp(min))}" +
                      (plural == "orders" ? "&status=any" : "");
            try
            {
                var (response, body) = await http.SendAsync(() =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, url);
                    request.Headers.Add("X-Shopify-Access-Token", target.AccessToken);
                    return request;
                }, ct);
                response.Dispose();
                var json = JsonSerializer.Deserialize<JsonElement>(body);
                if (!json.TryGetProperty("count", out var count) || !count.TryGetInt64(out var n)) return null;
                total += n;
            }
            catch (Exception e) when (e is PollingException or JsonException)
            {
                return null;
            }
        }
        return total;
    }

    private async Task<(JsonElement Body, string? NextPageInfo)> FetchAsync(PollTarget target, string plural, DateTimeOffset min, string? pageInfo, CancellationToken ct)
    {
        // With page_info Shopify takes no other filter: the page carries them.
        var query = pageInfo is not null
            ? $"limit={options.ShopifyPageSize}&page_info={Uri.EscapeDataString(pageInfo)}"
            : $"limit={options.ShopifyPageSize}&updated_at_min={Uri.EscapeDataString(Stamp(min))}" + (plural == "orders" ? "&status=any" : "");
        var url = $"{target.BaseUrl}/admin/api/{ApiVersion}/{plural}.json?{query}";
        var (response, body) = await http.SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("X-Shopify-Access-Token", target.AccessToken);
            return request;
        }, ct);
        using (response)
        {
            var next = response.Headers.TryGetValues("Link", out var link) ? NextPageInfo(string.Join(',', link)) : null;
            try
            {
                return (JsonSerializer.Deserialize<JsonElement>(body), next);
            }
            catch (JsonException e)
            {
                throw new PollingException($"Shopify answered {plural}.json with something that is not JSON: {e.Message}");
            }
        }
    }

    private static string? NextPageInfo(string link)
    {
        foreach (var part in link.Split(','))
            if (part.Contains("rel=\"next\"", StringComparison.Ordinal) && PageInfo().Match(part) is { Success: true } m)
                return Uri.UnescapeDataString(m.Groups[1].Value);
        return null;
    }

    [GeneratedRegex(@"[?&]page_info=([^&>]+)")]
    private static partial Regex PageInfo();

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset? Time(JsonNode? node) => Time(node?.GetValue<string>());

    private static DateTimeOffset? Time(string? s) =>
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
