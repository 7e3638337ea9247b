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
    public static WolverineOptions UseGrowHaloCodeGeneration(this WolverineOptions wolverine, IConfiguration configuration)
    {
        wolverine.ApplicationAssembly = typeof(WolverineSetup).Assembly;
        // GrowHalo has HTTP endpoints and no message handlers of its own: nothing to find by naming convention.
        wolverine.Discovery.DisableConventionalDiscovery();
        return wolverine;
    }

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
