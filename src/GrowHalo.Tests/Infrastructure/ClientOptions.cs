using System.Net;

namespace GrowHalo.Tests.Infrastructure;

/// <summary>How an HttpClient over the in-memory server behaves: like a browser by default (cookies, redirects).</summary>
public sealed record ClientOptions(bool AllowAutoRedirect = true, bool HandleCookies = true, int MaxRedirects = 7);

/// <summary>Keeps the cookies the server sets and sends them back, as a browser does.</summary>
public sealed class CookieHandler : DelegatingHandler
{
    private readonly CookieContainer _cookies = new();

    /// <summary>A cookie's value as this browser holds it (null when none).</summary>
    public string? Get(Uri uri, string name) => _cookies.GetCookies(uri)[name]?.Value;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var uri = request.RequestUri!;
        if (_cookies.GetCookieHeader(uri) is { Length: > 0 } header) request.Headers.Add("Cookie", header);
        var response = await base.SendAsync(request, ct);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            foreach (var cookie in setCookies) _cookies.SetCookies(uri, cookie);
        return response;
    }
}

/// <summary>Follows redirects: 303 (and 301/302 after a POST) as a GET without a body, 307/308 as sent.</summary>
internal sealed class RedirectHandler(int maxRedirects) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var response = await base.SendAsync(request, ct);
        for (var i = 0; i < maxRedirects && (int)response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location; i++)
        {
            var keepMethod = (int)response.StatusCode is 307 or 308 || request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;
            var next = new HttpRequestMessage(keepMethod ? request.Method : HttpMethod.Get, new Uri(request.RequestUri!, location));
            if (keepMethod && request.Content is not null) next.Content = request.Content;
            foreach (var h in request.Headers.Where(h => h.Key != "Cookie")) next.Headers.TryAddWithoutValidation(h.Key, h.Value);
            response.Dispose();
            request = next;
            response = await base.SendAsync(request, ct);
        }
        return response;
    }
}
