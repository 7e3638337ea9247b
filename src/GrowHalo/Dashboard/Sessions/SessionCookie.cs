namespace GrowHalo.Dashboard.Sessions;

/// <summary>
/// The dashboard's cookie: a random session id, HttpOnly (no script can read it), SameSite=Strict (no other site
/// can make the browser send it), Secure whenever the request came over HTTPS. It is a browser-session cookie.
/// </summary>
public static class SessionCookie
{
    public const string Name = "growhalo_session";

    public static string? Read(HttpRequest request) =>
        request.Cookies.TryGetValue(Name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    public static void Write(HttpContext http, string sessionId) => http.Response.Cookies.Append(Name, sessionId, Options(http));

    public static void Clear(HttpContext http) => http.Response.Cookies.Delete(Name, Options(http));

    private static CookieOptions Options(HttpContext http) => new()
    {
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        IsEssential = true,
    };
}
