namespace GrowHalo.Modeling.Currency;

/// <summary>Reads date,from,to,rate lines; the header is required so columns are never guessed.</summary>
public static class FxCsv
{
    public static (List<FxRate> Rates, List<string> Errors) Parse(IReadOnlyList<string> lines)
    {
        var rates = new List<FxRate>();
        var errors = new List<string>();
        var header = lines.Count > 0 ? lines[0].Trim().TrimStart('\uFEFF').ToLowerInvariant().Replace(" ", "") : "";
        if (header != "date,from,to,rate") return (rates, ["line 1: the first line must be the header date,from,to,rate"]);
        for (var i = 1; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var cells = lines[i].Split(',');
            if (cells.Length != 4) { errors.Add($"line {i + 1}: expected 4 values (date,from,to,rate), got {cells.Length}"); continue; }
            var problems = new List<(string Field, string Message)>();
            var rate = FxRateValidation.Parse(cells[0], cells[1], cells[2], cells[3], $"line {i + 1}", problems);
            if (rate is null) errors.AddRange(problems.Select(p => $"line {i + 1}: {p.Field[(p.Field.LastIndexOf('.') + 1)..]} {p.Message}"));
            else rates.Add(rate);
        }
        if (rates.Count == 0 && errors.Count == 0) errors.Add("the file has no rates after its header");
        return (rates, errors);
    }
}
