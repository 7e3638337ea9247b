using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowHalo.Ingestion.ShopifyApp;

/// <summary>
/// The install flow runs in a browser, so what goes wrong is a small HTML page rather than problem details: what
/// happened, and what to do about it. Every value shown is HTML-encoded; the page loads nothing and cannot be framed.
/// </summary>
public static class InstallPage
{
    public static ContentHttpResult Error(HttpContext http, int status, string title, string detail, string whatToDo)
    {
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers.CacheControl = "no-store";
        var html = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>{E(title)} · GrowHalo</title>
            <style>body{"{"}font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2933{"}"}h1{"{"}font-size:1.4rem{"}"}</style>
            </head><body>
            <h1>{E(title)}</h1>
            <p id="detail">{E(detail)}</p>
            <p id="what-to-do">{E(whatToDo)}</p>
            <p><a href="/dashboard">Back to the dashboard</a></p>
            </body></html>
            """;
        return TypedResults.Content(html, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
