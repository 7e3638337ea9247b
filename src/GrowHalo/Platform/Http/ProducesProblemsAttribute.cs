using Wolverine.Http;

namespace GrowHalo.Platform.Http;

/// <summary>
/// The statuses an endpoint answers with problem details (<see cref="IngestProblems"/>), for its OpenAPI description:
/// a <c>ProblemHttpResult</c> in the return type carries no status of its own.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ProducesProblemsAttribute(params int[] statuses) : ModifyHttpChainAttribute
{
    public override void Modify(HttpChain chain, JasperFx.CodeGeneration.GenerationRules rules)
    {
        foreach (var status in statuses) chain.Metadata.ProducesProblem(status);
    }
}
