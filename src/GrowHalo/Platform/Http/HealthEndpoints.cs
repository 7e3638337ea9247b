using GrowHalo.Platform.Events.Projections;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using GrowHalo.Platform.Database;
using Microsoft.Extensions.Options;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Platform.Http;

/// <summary>GET /health: the process answers (liveness). No key needed.</summary>
public static class HealthEndpoint
{
    public sealed record Health(string Status);

    [WolverineGet("/health", OperationId = "Health"), AllowAnonymous, Tags("Health")]
    public static Ok<Health> Get() => TypedResults.Ok(new Health("ok"));
}

/// <summary>GET /health/ready: the database answers, and how far behind the projections are (summed over all tenants).</summary>
public static class ReadinessEndpoint
{
    public sealed record ProjectionLag(string Name, long LagEvents, double LagSeconds, long Failures);

    public sealed record Readiness(string Status, string Database, IReadOnlyList<ProjectionLag> Projections);

    [WolverineGet("/health/ready", OperationId = "Readiness"), AllowAnonymous, Tags("Health")]
    [ProducesProblems(StatusCodes.Status503ServiceUnavailable)]
    public static async Task<Results<Ok<Readiness>, ProblemHttpResult>> Get(NpgsqlDataSource db, Tenancy.TenantDatabases databases,
        ProjectionStatusQuery status, IOptions<OutageOptions> outages, HttpContext context, CancellationToken ct)
    {
        // Bounded: a load balancer asks often, and an answer that hangs says less than "not ready".
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(outages.Value.ReadinessTimeout);
        var database = "database";
        try
        {
            await using (var cmd = db.CreateCommand("select 1")) await cmd.ExecuteScalarAsync(timeout.Token);
            foreach (var data in await databases.ListAsync(timeout.Token))
            {
                database = $"data database '{data.Id}'";
                await using var cmd = data.DataSource.CreateCommand("select 1");
                await cmd.ExecuteScalarAsync(timeout.Token);
            }
            var projections = await status.GetAsync(ct: timeout.Token);
            return TypedResults.Ok(new Readiness("ready", "ok",
                projections.Select(p => new ProjectionLag(p.Name, p.LagEvents, p.LagSeconds, p.Failures)).ToList()));
        }
        catch (Exception e) when (!ct.IsCancellationRequested && (e is OperationCanceledException || DatabaseUnavailable.Is(e) || e is NpgsqlException))
        {
            context.Response.Headers.RetryAfter = outages.Value.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var why = e is OperationCanceledException
                ? $"The {database} does not answer within {outages.Value.ReadinessTimeout.TotalSeconds:0.#} s (it is overloaded or unreachable)."
                : $"The {database} is unreachable: {e.GetBaseException().Message}";
            return TypedResults.Problem(why, statusCode: 503, title: "Not ready",
                extensions: new Dictionary<string, object?> { ["database"] = "unreachable" });
        }
    }
}
