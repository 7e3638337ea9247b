using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Alba;
using GrowHalo.Platform.Tenancy;
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

    /// <summary>An Alba scenario sent as the operator: with <paramref name="token"/> as x-operator-token (none when null).</summary>
    public Task<IScenarioResult> OperatorScenario(Action<Scenario> configure, string? token = OperatorToken) => Host.Scenario(s =>
    {
        if (token is not null) s.WithRequestHeader(OperatorAuthentication.Header, token);
        configure(s);
    });
}

/// <summary>Small helpers for sending scenarios and reading what the API answers (the status is checked by the scenario).</summary>
public static class Api
{
    /// <summary>An Alba scenario sent with <paramref name="key"/> as x-api-key (none when null).</summary>
    public static Task<IScenarioResult> ScenarioWithKey(this GrowHaloApp app, string? key, Action<Scenario> configure) => app.Host.Scenario(s =>
    {
        if (key is not null) s.WithRequestHeader(ApiKeyAuthentication.Header, key);
        configure(s);
    });

    /// <summary>GET /api/v1/tenant with <paramref name="key"/>, which must answer <paramref name="status"/>.</summary>
    public static Task<IScenarioResult> ReadTenantAsync(this GrowHaloApp app, string? key, HttpStatusCode status = HttpStatusCode.OK) =>
        app.ScenarioWithKey(key, s =>
        {
            s.Get.Url("/api/v1/tenant");
            s.StatusCodeShouldBe(status);
        });

    /// <summary>PATCH /api/v1/tenant with the tenant's key, which must answer <paramref name="status"/>.</summary>
    public static Task<IScenarioResult> PatchTenantAsync(this TenantClient tenant, object body, HttpStatusCode status = HttpStatusCode.OK) =>
        tenant.Scenario(s =>
        {
            s.Patch.Json(body).ToUrl("/api/v1/tenant");
            s.StatusCodeShouldBe(status);
        });

    /// <summary>POST /api/v1/keys with the tenant's key, which must answer 201; the created key.</summary>
    public static Task<JsonElement> CreateKeyAsync(this TenantClient admin, object body) => admin.Scenario(s =>
    {
        s.Post.Json(body).ToUrl("/api/v1/keys");
        s.StatusCodeShouldBe(HttpStatusCode.Created);
    }).JsonAsync();

    /// <summary>The answer's JSON body (<c>default</c> when empty).</summary>
    public static async Task<JsonElement> JsonAsync(this IScenarioResult result)
    {
        var body = await result.ReadAsTextAsync();
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> JsonAsync(this Task<IScenarioResult> result) => await (await result).JsonAsync();

    /// <summary>Asserts the answer is an RFC 7807 problem carrying its own status and returns its detail.</summary>
    public static async Task<string> ProblemAsync(this IScenarioResult result)
    {
        var problem = await result.JsonAsync();
        Assert.Equal("application/problem+json", result.MediaType());
        Assert.Equal(result.Context.Response.StatusCode, problem.GetProperty("status").GetInt32());
        var detail = problem.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail));
        return detail!;
    }

    public static async Task<string> ProblemAsync(this Task<IScenarioResult> result) => await (await result).ProblemAsync();

    /// <summary>The media type of the answer's content-type, without parameters such as the charset.</summary>
    public static string? MediaType(this IScenarioResult result) =>
        MediaTypeHeaderValue.TryParse(result.Context.Response.ContentType, out var type) ? type.MediaType : null;

    /// <summary>Whether the answer's Cache-Control says no-store.</summary>
    public static bool NoStore(this IScenarioResult result) =>
        CacheControlHeaderValue.TryParse(result.Context.Response.Headers.CacheControl, out var cache) && cache.NoStore;

    public static string Str(this JsonElement e, string property) => e.GetProperty(property).GetString()!;
}
