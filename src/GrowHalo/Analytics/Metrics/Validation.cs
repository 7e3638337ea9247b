using Microsoft.AspNetCore.Http.HttpResults;
using GrowHalo.Platform.Http;

namespace GrowHalo.Analytics.Metrics;

/// <summary>Collects what is wrong with a request's parameters, to answer one 400 that lists all of it.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool IsValid => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    public ValidationProblem Problem() => Problems.Invalid(
        string.Join(" ", _errors.Values.SelectMany(m => m)),
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));

    public static string OneOf(IEnumerable<string> allowed) => string.Join(", ", allowed);
}
