namespace GrowHalo.Bench;

/// <summary>
/// One benchmark scenario. Add a scenario by adding one file with a class that implements this interface
/// (and has a parameterless constructor): <see cref="ScenarioRegistry"/> finds it, `all` runs it.
/// </summary>
public interface IScenario
{
    /// <summary>What to type on the command line: <c>dotnet run -c Release --project src/GrowHalo.Bench -- NAME</c>.</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>
    /// Whether a missed target is a failure: the bench then exits non-zero (the soak's criteria; other scenarios report
    /// their targets and leave judging them to the reader).
    /// </summary>
    bool TargetsAreCriteria => false;

    /// <summary>Warms up, then measures; returns one or more measurements for the results table.</summary>
    Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken ct);
}

/// <summary>
/// One figure: e.g. scenario "append", case "100 events per append", 12,345 events/s. <paramref name="Target"/> is the
/// issue's target in words ("≥ 20,000") and <paramref name="Met"/> whether this figure reaches it (null: no target);
/// <paramref name="Series"/>, when given, the figure per time window (the soak's), for the JSON report.
/// </summary>
public sealed record Measurement(string Scenario, string Case, double Value, string Unit, string Detail, string? Target = null, bool? Met = null,
    IReadOnlyList<double>? Series = null);
