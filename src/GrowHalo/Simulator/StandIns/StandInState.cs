using System.Text.Json.Nodes;
using GrowHalo.Simulator.World;

namespace GrowHalo.Simulator.StandIns;

/// <summary>
/// What the stand-in APIs share: the simulated world they serve, the instant they serve it at (<paramref name="worldTime"/>,
/// so tests can freeze or move it), their limits, the faults a test asked for, and the rate-limit buckets.
/// </summary>
public sealed class StandInState(SimWorld world, TimeProvider worldTime, StandInOptions? options = null)
{
    public SimWorld World => world;
    public StandInOptions Options { get; } = options ?? new StandInOptions();
    public StandInFaults Faults { get; } = new();
    public StandInAppState App { get; } = new();
    public DateTimeOffset Now => worldTime.GetUtcNow();

    // Rate limits run on real time: they protect the server, whatever instant the world is shown at.
    internal LeakyBucket RestBucket { get; } = new((options ?? new()).BucketSize, (options ?? new()).LeakPerSecond, TimeProvider.System);
    internal LeakyBucket GraphQlBucket { get; } = new((options ?? new()).GraphQlMaxCost, (options ?? new()).GraphQlRestoreRate, TimeProvider.System);

    internal static IResult Json(JsonNode body, int status = 200) =>
        Results.Content(body.ToJsonString(), "application/json", statusCode: status);

    /// <summary>A fault a test asked for, as the platform would send it; null when none is due.</summary>
    internal IResult? Fault(StandInApi api, HttpContext http)
    {
        Faults.WaitIfHeld(api);
        var status = Faults.Next(api);
        if (status is null) return null;
        if (status == 429) http.Response.Headers.RetryAfter = Options.RetryAfterSeconds.ToString("0.0#", System.Globalization.CultureInfo.InvariantCulture);
        return Json(new JsonObject { ["errors"] = status == 429 ? "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." : "Internal Server Error" }, status.Value);
    }
}
