using Microsoft.AspNetCore.Http.HttpResults;
using GrowHalo.Platform.Events;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using GrowHalo.Platform.Database;
using Microsoft.Extensions.Options;

namespace GrowHalo.Platform.Http;

/// <summary>One error shape: RFC 7807 problem details whose detail tells a person what to change.</summary>
public static class Problems
{
    public static async Task Write(HttpContext context, int status, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Instance = context.Request.Path };
        if (extensions is not null) foreach (var (k, v) in extensions) problem.Extensions[k] = v;
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    /// <summary>400 for a request that cannot be used as sent, without field errors.</summary>
    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");

    /// <summary>404 for an id the tenant does not have (another tenant's id included); the detail says how ids look.</summary>
    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    /// <summary>400 listing what is wrong with each field (<paramref name="errors"/> maps a field to its messages).</summary>
    public static ValidationProblem Invalid(string detail, IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail, title: "Bad request");

    /// <summary>
    /// A status answered without a body (by routing, or Wolverine's JSON reading: 404, 405, 406, 415) gets problem
    /// details from UseStatusCodePages; this gives it a detail that says what to change.
    /// </summary>
    public static void ExplainBareStatus(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Detail is not null) return;
        problem.Detail = problem.Status switch
        {
            StatusCodes.Status404NotFound => $"Nothing is served at {context.HttpContext.Request.Path}. The API is described at /openapi/v1.json.",
            StatusCodes.Status405MethodNotAllowed => $"{context.HttpContext.Request.Method} is not allowed on {context.HttpContext.Request.Path}. See /openapi/v1.json for its methods.",
            StatusCodes.Status406NotAcceptable => "This endpoint answers JSON: send Accept: application/json (or leave Accept out).",
            StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON with the header Content-Type: application/json.",
            StatusCodes.Status400BadRequest => "The request could not be read. Send a JSON object with the fields /openapi/v1.json describes for this endpoint.",
            StatusCodes.Status408RequestTimeout => "The body arrived too slowly and the server stopped waiting for it. Send it again at once.",
            StatusCodes.Status413PayloadTooLarge => "The request body is larger than this endpoint accepts. Split it into smaller requests.",
            _ => null,
        };
    }

    /// <summary>Maps exceptions that escape endpoints to problem details; anything unexpected is a 500 without internals.</summary>
    public static async ValueTask<bool> HandleException(HttpContext context, Exception exception)
    {
        if (DatabaseUnavailable.Is(exception))
        {
            await Unavailable(context, exception);
            return true;
        }
        var (status, title, detail) = exception switch
        {
            StreamVersionConflictException c => (409, "Conflict", $"{c.Message} Reload the stream and retry with version {c.Actual}."),
            BadHttpRequestException b when b.StatusCode == 413 => (413, "Payload too large", "The request body is larger than this endpoint accepts. Split it into smaller requests."),
            BadHttpRequestException b => (b.StatusCode, "Bad request", b.InnerException is System.Text.Json.JsonException j
                ? $"The body is not valid JSON: {j.Message}" : b.Message),
            System.Text.Json.JsonException j => (400, "Bad request", $"The body is not valid JSON: {j.Message}"),
            _ => (500, "Internal server error", "Something went wrong on our side; it has been logged. Retry later."),
        };
        await Write(context, status, title, detail);
        return true;
    }

    /// <summary>
    /// 503 with Retry-After while the database is unreachable or too slow: a client (Shopify included) retries, and the
    /// retry is safe because appends are idempotent.
    /// </summary>
    public static Task Unavailable(HttpContext context, Exception exception)
    {
        var retryAfter = context.RequestServices.GetRequiredService<IOptions<OutageOptions>>().Value.RetryAfterSeconds;
        context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Write(context, StatusCodes.Status503ServiceUnavailable, "Service unavailable", DatabaseUnavailable.Describe(exception, retryAfter));
    }
}

internal sealed class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (DatabaseUnavailable.Is(exception))
            logger.LogWarning("{Method} {Path} answered 503: the database is unreachable or too slow ({Error})", context.Request.Method,
                context.Request.Path, exception.GetBaseException().Message);
        else if (exception is not (StreamVersionConflictException or BadHttpRequestException or System.Text.Json.JsonException))
            logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        return Problems.HandleException(context, exception);
    }
}
