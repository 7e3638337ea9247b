using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GrowHalo.Platform.Tenancy.Operator;
using GrowHalo.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrowHalo.Tests.Platform.Tenancy;

/// <summary>The real app with an operator token configured, a clock tests can move, and every log line captured.</summary>
public class TenancyApp : GrowHaloApp
{
    public const string OperatorToken = "operator-token-for-tests-7f3a";

    public ManualClock Clock { get; } = new();
    public LogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Admin:OperatorToken", OperatorToken);
        builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock).AddSingleton<Serilog.Core.ILogEventSink>(Logs));
        builder.UseSetting("Serilog:MinimumLevel:Default", "Verbose"); // every level, GrowHalo's and the libraries'
        builder.UseSetting("Serilog:MinimumLevel:Override:GrowHalo", "Verbose");
        builder.UseSetting("Serilog:MinimumLevel:Override:Microsoft", "Verbose");
        builder.UseSetting("Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware", "Verbose");
    }

    public HttpClient OperatorClient(string? token = OperatorToken)
    {
        var client = CreateClient();
        if (token is not null) client.DefaultRequestHeaders.Add(OperatorAuthentication.Header, token);
        return client;
    }
}

/// <summary>Small helpers for reading what the API answers.</summary>
public static class Api
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} → {(int)response.StatusCode}, expected {(int)expected}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 7807 problem with the given status and returns its detail.</summary>
    public static async Task<string> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var problem = await response.JsonAsync(expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        var detail = problem.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail));
        return detail!;
    }

    public static Task<HttpResponseMessage> PatchJsonAsync<T>(this HttpClient http, string url, T body) =>
        http.PatchAsJsonAsync(url, body, Json.Options);

    public static Task<HttpResponseMessage> PostJsonAsync<T>(this HttpClient http, string url, T body) =>
        http.PostAsJsonAsync(url, body, Json.Options);

    public static string Str(this JsonElement e, string property) => e.GetProperty(property).GetString()!;
}
