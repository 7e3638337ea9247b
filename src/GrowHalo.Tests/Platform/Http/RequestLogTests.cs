using System.Net;
using Alba;
using GrowHalo.Tests.Ingestion;
using GrowHalo.Tests.Platform.Tenancy;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;
using static GrowHalo.Tests.Ingestion.IngestionApp;

namespace GrowHalo.Tests.Platform.Http;

/// <summary>The ingestion host with every log event captured, request lines of accepted webhooks (Debug) included.</summary>
public sealed class LoggedApp : IngestionApp
{
    public LogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(s => s.AddSingleton<Serilog.Core.ILogEventSink>(Logs));
        builder.UseSetting("Serilog:MinimumLevel:Default", "Verbose");
        builder.UseSetting("Serilog:MinimumLevel:Override:GrowHalo", "Verbose");
        builder.UseSetting("Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware", "Verbose");
    }
}

/// <summary>
/// One Serilog line per request names the method, the route template, the status, the time taken, the tenant and the
/// trace; no line at any level holds an API key, a webhook secret or signature, or a customer's e-mail.
/// </summary>
public sealed class RequestLogTests(LoggedApp app) : IClassFixture<LoggedApp>
{
    [Fact]
    public async Task each_request_is_one_structured_line_without_keys_secrets_signatures_or_emails()
    {
        var admin = await app.CreateTenantAsync("Logged");
        var shop = Unique.Shop();
        const string secret = "whsec-log-test-5f0c2a9d71";
        await app.ConnectAsync(admin, "shopify", shop, secret);
        var id = Unique.Id();
        var order = Samples.Order(id).ToJsonString();
        var email = $"buyer{id}@example.com";
        Assert.Contains(email, order);
        var webhook = ShopifyWebhook(shop, "orders/create", order, secret, $"log-{id}");
        var signature = webhook.Headers["X-Shopify-Hmac-Sha256"];

        await app.SendAsync(webhook, HttpStatusCode.Created);
        await admin.Scenario(s => s.Get.Url($"/api/v1/metrics/summary?period=last_7_days&search={Uri.EscapeDataString(email)}"));
        await (admin with { ApiKey = admin.ApiKey + "-wrong" }).Scenario(s =>
        {
            s.Get.Url("/api/v1/metrics/summary");
            s.StatusCodeShouldBe(HttpStatusCode.Unauthorized);
        });

        var webhookLine = await RequestLineAsync("/api/v1/ingest/webhook/{source}", 201);
        Assert.Equal("POST", Scalar(webhookLine, "RequestMethod"));
        Assert.Equal(admin.Id, Scalar(webhookLine, "TenantId")); // signed, no key: the tenant of the connection
        Assert.True((double)((ScalarValue)webhookLine.Properties["Elapsed"]).Value! >= 0);
        Assert.False(string.IsNullOrEmpty(Scalar(webhookLine, "TraceId")));

        var summaryLine = await RequestLineAsync("/api/v1/metrics/summary", 200);
        Assert.Equal("GET", Scalar(summaryLine, "RequestMethod"));
        Assert.Equal(admin.Id, Scalar(summaryLine, "TenantId"));
        Assert.Equal(LogEventLevel.Information, summaryLine.Level);
        Assert.Equal(LogEventLevel.Debug, webhookLine.Level); // accepted webhooks are counted, not printed
        var refused = await RequestLineAsync("/api/v1/metrics/summary", 401);
        Assert.Equal("-", Scalar(refused, "TenantId"));

        // A refused body's line names the route too (a failure the exception handler answers: DatabaseOutageTests).
        await app.SendAsync(webhook with { Body = new string(' ', 16 * 1024 * 1024 + 1) }, HttpStatusCode.RequestEntityTooLarge);
        var tooLarge = await RequestLineAsync("/api/v1/ingest/webhook/{source}", 413);
        Assert.Equal("POST", Scalar(tooLarge, "RequestMethod"));

        var lines = app.Logs.Lines.ToList();
        Assert.True(lines.Count > 10, "the capture sees the server's events");
        foreach (var forbidden in new[] { admin.ApiKey[12..], secret, signature, email, Uri.EscapeDataString(email) })
            Assert.DoesNotContain(lines, l => l.Contains(forbidden, StringComparison.Ordinal));
    }

    private static string? Scalar(LogEvent e, string property) =>
        e.Properties.TryGetValue(property, out var v) && v is ScalarValue { Value: var value } ? value?.ToString() : null;

    /// <summary>The request line of <paramref name="route"/> with <paramref name="status"/>; it is written as the response ends.</summary>
    private async Task<LogEvent> RequestLineAsync(string route, int status)
    {
        for (var i = 0; i < 100; i++)
        {
            var line = app.Logs.Events.FirstOrDefault(e => Scalar(e, "Route") == route && Scalar(e, "StatusCode") == status.ToString());
            if (line is not null) return line;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"no request line for {route} → {status} in: " +
            string.Join("\n", app.Logs.Events.Where(e => e.Properties.ContainsKey("StatusCode")).Select(e => e.RenderMessage())));
    }
}
