using System.Text.Json;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace GrowHalo.Modeling.Currency;

/// <summary>POST /api/v1/fx-rates (admin): load exchange rates for the key's tenant and re-aggregate what they convert.</summary>
public static class FxRatesEndpoint
{
    public const int MaxRates = 50_000;

    public sealed record FxRateInput(JsonElement? Date, JsonElement? From, JsonElement? To, JsonElement? Rate);

    public sealed record FxRatesRequest(IReadOnlyList<FxRateInput?>? Rates);

    public sealed record FxRatesResponse(int Imported, int DaysRecomputed, int CustomersRecomputed, string ReportingCurrency);

    [WolverinePost("/api/v1/fx-rates", OperationId = "LoadFxRates"), RequireScope(Scopes.Admin)]
    public static async Task<Results<Ok<FxRatesResponse>, ValidationProblem, ProblemHttpResult>> Post(
        FxRatesRequest request, RequestTenant tenant, FxRateStore store, CancellationToken ct)
    {
        // A JSON null body reaches a Wolverine endpoint as null (the minimal API answered 400 for it): the same 400 as no rates.
        if (request?.Rates is null || request.Rates.Count == 0)
            return Problems.BadRequest("Send {\"rates\": [{\"date\": \"2026-01-31\", \"from\": \"EUR\", \"to\": \"USD\", \"rate\": 1.0842}, …]}: 1 from = rate to on that date.");
        if (request.Rates.Count > MaxRates)
            return Problems.BadRequest($"At most {MaxRates:N0} rates per request; split the file.");
        var errors = new List<(string Field, string Message)>();
        var rates = request.Rates.Select((r, i) =>
        {
            if (r is not null) return FxRateValidation.Parse(Text(r.Date), Text(r.From), Text(r.To), Text(r.Rate), $"rates[{i}]", errors);
            errors.Add(($"rates[{i}]", "must be an object such as {\"date\": \"2026-01-31\", \"from\": \"EUR\", \"to\": \"USD\", \"rate\": 1.0842}, not null"));
            return null;
        }).ToList();
        if (errors.Count > 0)
            return Problems.Invalid($"{errors.Count} problem(s) in the rates; nothing was loaded. Fix them and send the whole list again.",
                errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()));
        var result = await store.ImportAsync(tenant.Id, rates.Select(r => r!).ToList(), ct);
        return TypedResults.Ok(new FxRatesResponse(result.Imported, result.DaysRecomputed, result.CustomersRecomputed, tenant.Tenant.Currency));
    }

    private static string? Text(JsonElement? e) => e switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
        { ValueKind: JsonValueKind.Null } => null,
        { } other => other.GetRawText(),
    };
}
