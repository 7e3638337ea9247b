using System.Reflection;
using GrowHalo.Platform.Tenancy;
using JasperFx;
using JasperFx.CodeGeneration.Frames;
using JasperFx.CodeGeneration.Model;
using Wolverine;
using Wolverine.Http;
using Wolverine.Http.CodeGen;

namespace GrowHalo.Platform.Http;

/// <summary>
/// GrowHalo's endpoints are Wolverine HTTP endpoints: one static class per use case with a <c>[WolverineGet]</c> /
/// <c>[WolverinePost]</c> method, its scope declared with <see cref="RequireScopeAttribute"/> and its tenant taken as
/// a <see cref="RequestTenant"/> parameter (<see cref="RequestTenantStrategy"/>).
/// </summary>
public static class WolverineSetup
{
    /// <summary>Wolverine finds GrowHalo's endpoints in this assembly; there are no message handlers to find by convention.</summary>
    public static WolverineOptions UseGrowHaloDiscovery(this WolverineOptions wolverine)
    {
        wolverine.ApplicationAssembly = typeof(WolverineSetup).Assembly;
        wolverine.Discovery.DisableConventionalDiscovery();
        return wolverine;
    }

    /// <summary>
    /// Everywhere but Development (tests, the demo, the bench, production) the server runs the endpoint code
    /// `growhalo codegen write` generated into Internal/Generated, and refuses to start if any is missing: nothing is
    /// compiled at start-up. Development generates it at run time (Roslyn), as endpoints change.
    /// </summary>
    public static IServiceCollection AddGrowHaloGeneratedCode(this IServiceCollection services) =>
        services.CritterStackDefaults(critters =>
        {
            critters.Production.GeneratedCodeMode = JasperFx.CodeGeneration.TypeLoadMode.Static;
            critters.Production.AssertAllPreGeneratedTypesExist = true;
            critters.Development.GeneratedCodeMode = JasperFx.CodeGeneration.TypeLoadMode.Dynamic;
        });

    public static void UseGrowHaloConventions(this WolverineHttpOptions http)
    {
        http.AddParameterHandlingStrategy<RequestTenantStrategy>();
        // A query value that does not parse (?limit=abc) is a 400 problem, as minimal APIs answered, not the default value.
        http.RejectUnparseableQueryValues = true;
    }
}

/// <summary>
/// A <see cref="RequestTenant"/> parameter is the tenant of the request's authenticated key, loaded before the
/// endpoint runs (<see cref="RequestTenant.LoadAsync"/>). Only endpoints behind <see cref="RequireScopeAttribute"/> have one.
/// </summary>
public sealed class RequestTenantStrategy : IParameterStrategy
{
    public bool TryMatch(HttpChain chain, IServiceContainer container, ParameterInfo parameter, out Variable? variable)
    {
        variable = null;
        if (parameter.ParameterType != typeof(RequestTenant)) return false;
        var load = new MethodCall(typeof(RequestTenant), nameof(RequestTenant.LoadAsync));
        chain.Middleware.Add(load);
        variable = load.ReturnVariable;
        return variable is not null;
    }
}

/// <summary>
/// The endpoint needs an API key (or a dashboard session) carrying one of these scopes: 401 without one, 403 with
/// the wrong one, both as problem details naming what to do.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequireScopeAttribute(params string[] anyOf) : ModifyHttpChainAttribute
{
    public override void Modify(HttpChain chain, JasperFx.CodeGeneration.GenerationRules rules)
    {
        chain.Metadata.RequireScope(anyOf)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }
}
