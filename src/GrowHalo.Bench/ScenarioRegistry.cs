namespace GrowHalo.Bench;

/// <summary>
/// Every <see cref="IScenario"/> in this assembly: the issue's six in the order they build on each other (rebuild and
/// queries reuse the history that projections builds; memory reports what batch and projections measured), then any
/// other scenario by name.
/// </summary>
public static class ScenarioRegistry
{
    private static readonly string[] Order = ["batch", "webhook", "projections", "rebuild", "queries", "memory"];

    public static IReadOnlyList<IScenario> All { get; } = typeof(IScenario).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IScenario).IsAssignableFrom(t))
        .Select(t => (IScenario)Activator.CreateInstance(t)!)
        .OrderBy(s => Array.IndexOf(Order, s.Name) is var i && i >= 0 ? i : Order.Length)
        .ThenBy(s => s.Name, StringComparer.Ordinal)
        .ToList();

    /// <summary>
    /// The scenarios the arguments name, in dependency order; "all" (or nothing) means the issue's six (others, such as
    /// append, daemon and commerce, run by name). Unknown names throw with the known ones.
    /// </summary>
    public static IReadOnlyList<IScenario> Select(IReadOnlyCollection<string> names)
    {
        if (names.Count == 0 || names.Contains("all")) return All.Where(s => Order.Contains(s.Name)).ToList();
        var unknown = names.Where(n => All.All(s => s.Name != n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Unknown scenario '{string.Join("', '", unknown)}'. Known: all, {string.Join(", ", All.Select(s => s.Name))}.");
        return All.Where(s => names.Contains(s.Name)).ToList();
    }
}
