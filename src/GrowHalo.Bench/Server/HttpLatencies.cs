using System.Diagnostics;
using System.Net;

namespace GrowHalo.Bench.Server;

/// <summary>One client's GETs of a URL, one after the other, each timed; every answer must be 200.</summary>
public static class HttpLatencies
{
    public static async Task<Measure.Run> MeasureAsync(HttpClient http, string url, int requests, CancellationToken ct, int warmUp = 10)
    {
        for (var i = 0; i < warmUp; i++) await GetAsync(http, url, ct);
        var latencies = new List<double>(requests);
        long bytes = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < requests; i++)
        {
            var one = Stopwatch.StartNew();
            bytes += await GetAsync(http, url, ct);
            latencies.Add(one.Elapsed.TotalMilliseconds);
        }
        return new Measure.Run(bytes, requests, clock.Elapsed, latencies);
    }

    private static async Task<int> GetAsync(HttpClient http, string url, CancellationToken ct)
    {
        using var response = await http.GetAsync(url, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        return body.Length;
    }
}
