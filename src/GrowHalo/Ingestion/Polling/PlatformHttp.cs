using System.Globalization;
using System.Net;
using GrowHalo.Ingestion.Connections;
using Microsoft.Extensions.Options;

namespace GrowHalo.Ingestion.Polling;

/// <summary>
/// The pollers' HTTP: retries 429 after the platform's Retry-After (Shopify writes "2.0"), retries 5xx and network
/// errors with doubling delays, slows down when Shopify's X-Shopify-Shop-Api-Call-Limit bucket is nearly full, and
/// gives up with a <see cref="PollingException"/> that says what the platform answered.
/// Only to the platforms' hosts at public addresses (<see cref="OutboundUrls"/>): a connection stored with another URL
/// fails its pass with a message saying why, and the server never connects there.
/// </summary>
public sealed class PlatformHttp(IOptions<PollingOptions> options, ILogger<PlatformHttp> logger, TimeProvider time, OutboundUrls urls)
{
    private readonly HttpClient _http = new(urls.CreateHandler())
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    public async Task<(HttpResponseMessage Response, string Body)> SendAsync(Func<HttpRequestMessage> request, CancellationToken ct)
    {
        var o = options.Value;
        for (var attempt = 1; ; attempt++)
        {
            using var message = request();
            if (message.RequestUri is { } uri && urls.Check(null, uri) is { } refusal)
                throw new PollingException($"GrowHalo refused to call {Describe(uri)}: the connection's api_base_url {refusal}.", null);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(message, ct);
            }
            catch (HttpRequestException e) when (attempt < o.MaxAttempts && e is not OutboundRefusedException && e.InnerException is not OutboundRefusedException)
            {
                logger.LogWarning("{Url}: {Error}; retrying", Describe(message.RequestUri), e.Message);
                await Task.Delay(Backoff(o.RetryDelay, attempt), time, ct);
                continue;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                throw new PollingException($"{message.Method} {Describe(message.RequestUri)} failed: {e.Message}", null, e);
            }
            var body = await response.Content.ReadAsStringAsync(ct);
            var retryable = response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;
            if (retryable && attempt < o.MaxAttempts)
            {
                var wait = response.StatusCode == HttpStatusCode.TooManyRequests ? RetryAfter(response) ?? Backoff(o.RetryDelay, attempt) : Backoff(o.RetryDelay, attempt);
                logger.LogInformation("{Url} answered {Status}; waiting {Wait:0.0} s (attempt {Attempt})", Describe(message.RequestUri), (int)response.StatusCode, wait.TotalSeconds, attempt);
                response.Dispose();
                await Task.Delay(wait, time, ct);
                continue;
            }
            if (!response.IsSuccessStatusCode)
            {
                response.Dispose();
                throw new PollingException($"{message.Method} {Describe(message.RequestUri)} answered {(int)response.StatusCode} {response.StatusCode}" +
                    (retryable ? $" {attempt} times" : "") + $": {Trim(body)}", (int)response.StatusCode);
            }
            await SlowDownNearLimit(response, ct);
            return (response, body);
        }
    }

    /// <summary>Shopify's bucket leaks 2 calls a second: past 80% full, wait one leak before the next call.</summary>
    private Task SlowDownNearLimit(HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.Headers.TryGetValues("X-Shopify-Shop-Api-Call-Limit", out var values)) return Task.CompletedTask;
        var parts = values.First().Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out var used) && int.TryParse(parts[1], out var size) && used >= size * 0.8)
            return Task.Delay(TimeSpan.FromMilliseconds(500), time, ct);
        return Task.CompletedTask;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Retry-After", out var values)) return null;
        var raw = values.First();
        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)) return TimeSpan.FromSeconds(Math.Clamp(seconds, 0, 600));
        return DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? TimeSpan.FromSeconds(Math.Clamp((at - DateTimeOffset.UtcNow).TotalSeconds, 0, 600)) : null;
    }

    private static TimeSpan Backoff(TimeSpan first, int attempt) => first * Math.Pow(2, attempt - 1);

    /// <summary>The URL without its query: tokens travel in query strings (Meta's access_token).</summary>
    private static string Describe(Uri? uri) => uri is null ? "?" : uri.GetLeftPart(UriPartial.Path);

    private static string Trim(string body) => body.Length > 300 ? body[..300] + "…" : body;
}
