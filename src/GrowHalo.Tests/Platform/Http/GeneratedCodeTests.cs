using GrowHalo.Tests.Infrastructure;
using JasperFx.CodeGeneration;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace GrowHalo.Tests.Platform.Http;

/// <summary>
/// Outside Development the server runs the endpoint code committed in src/GrowHalo/Internal/Generated (written by
/// `growhalo codegen write`): it compiles nothing when it starts or serves, and a missing type stops it from starting.
/// </summary>
public sealed class GeneratedCodeTests(GrowHaloApp app) : IClassFixture<GrowHaloApp>
{
    [Fact]
    public async Task the_server_serves_with_the_committed_generated_code_and_loads_no_compiler()
    {
        var options = app.Service<WolverineOptions>();
        Assert.Equal(TypeLoadMode.Static, options.CodeGeneration.TypeLoadMode);

        var tenant = await app.CreateTenantAsync();
        await tenant.Scenario(s => s.Get.Url("/api/v1/metrics/summary"));
        await tenant.Scenario(s => s.Get.Url("/api/v1/ingest/status"));
        await app.Host.Scenario(s => s.Get.Url("/health"));

        var handler = typeof(Program).Assembly.GetType("Internal.Generated.WolverineHandlers.GET_api_v1_metrics_summary");
        Assert.NotNull(handler); // compiled into growhalo.dll from the committed source
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "Microsoft.CodeAnalysis.CSharp");
    }
}
