using GrowHalo.Platform.Events.Projections;
using Npgsql;

namespace GrowHalo.Platform.Http;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" })).AllowAnonymous();
        app.MapGet("/health/ready", Ready).AllowAnonymous();
        return app;
    }

    /// <summary>Readiness: the database answers, and how far behind the projections are (summed over all tenants).</summary>
    private static async Task<IResult> Ready(NpgsqlDataSource db, ProjectionStatusQuery status, CancellationToken ct)
    {
        try
        {
            await using var cmd = db.CreateCommand("select 1");
            await cmd.ExecuteScalarAsync(ct);
        }
        catch (NpgsqlException e)
        {
            return TypedResults.Problem($"The database does not answer: {e.Message}", statusCode: 503, title: "Not ready");
        }
        var projections = await status.GetAsync(ct: ct);
        return TypedResults.Ok(new
        {
            status = "ready",
            database = "ok",
            projections = projections.Select(p => new { p.Name, lag_events = p.LagEvents, lag_seconds = p.LagSeconds, failures = p.Failures }),
        });
    }
}
