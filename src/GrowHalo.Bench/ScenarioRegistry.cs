namespace GrowHalo.Bench;

/// <summary>Every <see cref="IScenario"/> in this assembly, by name, in name order.</summary>
public static class ScenarioRegistry
{
    public static IReadOnlyList<IScenario> All { get; } = typeof(IScenario).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IScenario).IsAssignableFrom(t))
        .Select(t => (IScenario)Activator.CreateInstance(t)!)
        .OrderBy(s => s.Name, StringComparer.Ordinal)
        .ToList();

    /// <summary>The scenarios the arguments name; "all" (or nothing) means every one. Unknown names throw with the known ones.</summary>
    public static IReadOnlyList<IScenario> Select(IReadOnlyCollection<string> names)
    {
        if (names.Count == 0 || names.Contains("all")) return All;
        var unknown = names.Where(n => All.All(s => s.Name != n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Unknown scenario '{string.Join("', '", unknown)}'. Known: all, {string.Join(", ", All.Select(s => s.Name))}.");
        return All.Where(s => names.Contains(s.Name)).ToList();
    }
}
