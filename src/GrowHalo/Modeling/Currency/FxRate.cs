using System.Globalization;

namespace GrowHalo.Modeling.Currency;

/// <summary>On <paramref name="Date"/>, 1 <paramref name="From"/> = <paramref name="Rate"/> <paramref name="To"/>.</summary>
public sealed record FxRate(DateOnly Date, string From, string To, decimal Rate);

/// <summary>Checks rates as typed by a person (CSV line or JSON item), with one message per problem that says what to fix.</summary>
public static class FxRateValidation
{
    public static FxRate? Parse(string? date, string? from, string? to, string? rate, string where, List<(string Field, string Message)> errors)
    {
        var before = errors.Count;
        if (!DateOnly.TryParseExact(date?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            errors.Add(($"{where}.date", $"must be a date as YYYY-MM-DD, got \"{date}\""));
        var f = Currency(from, $"{where}.from", errors);
        var t = Currency(to, $"{where}.to", errors);
        if (f is not null && f == t) errors.Add(($"{where}.to", $"must differ from from ({f})"));
        if (!decimal.TryParse(rate?.Trim(), NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var r) || r <= 0)
            errors.Add(($"{where}.rate", $"must be a positive number such as 1.0842, got \"{rate}\""));
        return errors.Count == before ? new FxRate(day, f!, t!, r) : null;
    }

    private static string? Currency(string? code, string field, List<(string, string)> errors)
    {
        var c = code?.Trim().ToUpperInvariant();
        if (c is { Length: 3 } && c.All(char.IsAsciiLetterUpper)) return c;
        errors.Add((field, $"must be an ISO 4217 code such as EUR, got \"{code}\""));
        return null;
    }
}
