using GrowHalo.Platform.Http;
using GrowHalo.Ingestion.Parsing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowHalo.Ingestion.Http;

/// <summary>Problem-details answers (RFC 7807) for ingestion: each detail names what is wrong and how to fix it.</summary>
public sealed record FieldProblem(string Field, string Reason);

/// <summary>The problem answers; an endpoint lists the statuses it answers with them in <see cref="ProducesProblemsAttribute"/>.</summary>
internal static class IngestProblems
{
    public static ProblemHttpResult Status(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions);

    public static ProblemHttpResult BadRequest(string detail) => Problems.BadRequest(detail);

    /// <summary>
    /// 400 naming each bad field in <c>errors: [{field, reason}]</c>, the shape batch errors have too. A list rather than
    /// a dictionary: the JSON key policy would rewrite field names used as keys (metrics.costMicros, X-Shopify-Topic).
    /// </summary>
    public static ProblemHttpResult Invalid(string detail, IEnumerable<FieldError> errors) =>
        Status(StatusCodes.Status400BadRequest, "Bad request", detail,
            new Dictionary<string, object?> { ["errors"] = errors.Select(e => new FieldProblem(e.Field, e.Message)).ToList() });

    public static ProblemHttpResult Unauthorized(string detail) => Status(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    public static ProblemHttpResult Forbidden(string detail) => Status(StatusCodes.Status403Forbidden, "Forbidden", detail);

    public static ProblemHttpResult NotFound(string detail) => Status(StatusCodes.Status404NotFound, "Not found", detail);

    public static ProblemHttpResult Conflict(string detail) => Status(StatusCodes.Status409Conflict, "Conflict", detail);

    public static string Describe(IEnumerable<FieldError> errors, int max = 3)
    {
        var list = errors.ToList();
        var shown = string.Join("; ", list.Take(max).Select(e => $"{e.Field} {e.Message}"));
        return list.Count > max ? $"{shown}; and {list.Count - max} more (see errors)" : shown;
    }
}
