using GrowHalo.Platform.Events.Projections;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
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
        ProjectionStatusQuery status, CancellationToken ct)
    {
        var database = "master";
        try
        {
            await using (var cmd = db.CreateCommand("select 1")) await cmd.ExecuteScalarAsync(ct);
            foreach (var data in await databases.ListAsync(ct))
            {
                database = data.Id;
                await using var cmd = data.DataSource.CreateCommand("select 1");
                await cmd.ExecuteScalarAsync(ct);
            }
        }
        catch (NpgsqlException e)
        {
            return TypedResults.Problem($"The {(database == "master" ? "master" : $"data database '{database}'")} does not answer: {e.Message}",
                statusCode: 503, title: "Not ready");
        }
        var projections = await status.GetAsync(ct: ct);
        return TypedResults.Ok(new Readiness("ready", "ok",
            projections.Select(p => new ProjectionLag(p.Name, p.LagEvents, p.LagSeconds, p.Failures)).ToList()));
    }
}
