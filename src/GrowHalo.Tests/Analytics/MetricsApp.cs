using Alba;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using GrowHalo.Platform.Events;
using GrowHalo.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace GrowHalo.Tests.Analytics;

/// <summary>
/// The GrowHalo host with a clock that reads <see cref="Now"/> at start and then runs at real speed, so "today" is
/// fixed for period tests while timeouts still expire.
/// </summary>
public class MetricsApp : GrowHaloApp
{
    public static readonly DateTimeOffset Now = new(2026, 3, 18, 12, 0, 0, TimeSpan.Zero); // a Wednesday

    public ShiftedClock Clock { get; } = new(Now);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }

    public async Task AppendAsync(string tenantId, params NewEvent[] events)
    {
        await Service<GrowHalo.Platform.Events.EventAppender>().AppendAsync(tenantId, events);
        await WaitForCommerceAsync();
    }

    /// <summary>Waits until the projections behind the numbers have applied every committed event (Marten's wait).</summary>
    public Task WaitForCommerceAsync(int seconds = 30) => WaitForProjectionsAsync(seconds);
}

public sealed class ShiftedClock(DateTimeOffset start) : TimeProvider
{
    private readonly long _started = Stopwatch.GetTimestamp();
    public override DateTimeOffset GetUtcNow() => start + Stopwatch.GetElapsedTime(_started);
}

public static class MetricsHttp
{
    /// <summary>GET <paramref name="url"/> as an Alba scenario that must answer 200; its JSON.</summary>
    public static async Task<JsonElement> GetAsync(this TenantClient client, string url)
    {
        var result = await client.Scenario(s => s.Get.Url(url));
        return JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.Clone();
    }

    /// <summary>
    /// POST <paramref name="body"/> (as JSON, with the server's options) to <paramref name="url"/> as an Alba scenario
    /// that must answer <paramref name="status"/>; its JSON (<c>default</c> when the body is empty).
    /// </summary>
    public static async Task<JsonElement> PostAsync(this TenantClient client, string url, object body, HttpStatusCode status = HttpStatusCode.OK)
    {
        var result = await client.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.StatusCodeShouldBe(status);
        });
        var text = await result.ReadAsTextAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>GET <paramref name="url"/>, which must answer a 400 problem; its JSON (errors names the fields).</summary>
    public static async Task<JsonElement> BadRequestAsync(this TenantClient client, string url)
    {
        var result = await client.Scenario(s =>
        {
            s.Get.Url(url);
            s.StatusCodeShouldBe(HttpStatusCode.BadRequest);
            s.ContentTypeShouldBe("application/problem+json");
        });
        return JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.Clone();
    }

    /// <summary>The daily series of one metric over a range, as date → value.</summary>
    public static async Task<Dictionary<string, JsonElement>> DailyAsync(this TenantClient client, string metric, string start, string end)
    {
        var json = await client.GetAsync($"/api/v1/metrics?start={start}&end={end}&granularity=daily&metrics={metric}");
        return json.GetProperty("data").EnumerateArray().ToDictionary(p => p.GetProperty("date").GetString()!, p => p.GetProperty(metric).Clone());
    }

    public static decimal? Number(this JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetDecimal();
}
