using System.Text.Unicode;
using GrowHalo.Ingestion.Parsing;
using GrowHalo.Platform.Events;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace GrowHalo.Platform.Http;

/// <summary>
/// Checks a JSON body before Wolverine binds it, so what the JSON reader would let through or turn into a server
/// error is a problem naming what to fix: a declared size over the server's limit (413; the reader would meet
/// Kestrel's "too large" mid-read and answer a bare 400), a charset other than UTF-8 (415), bytes that are not UTF-8
/// (400; the reader skips unknown properties without decoding them) and text PostgreSQL cannot store — \u0000 and
/// half a UTF-16 surrogate pair, the rule of <see cref="StorableJson"/> — (400 naming the field; it would fail at commit).
/// Endpoints that read their own body (<see cref="DocumentedBody"/>: batches, webhooks, connections) check it themselves.
/// </summary>
public static class BoundJsonBodies
{
    public static IApplicationBuilder UseBoundJsonBodyChecks(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (!HasJsonBody(request) || context.GetEndpoint() is not { } endpoint || endpoint.Metadata.GetMetadata<DocumentedBody>() is not null)
        {
            await next(context);
            return;
        }
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        if (request.ContentLength is { } length && length > limit)
        {
            await Problems.Write(context, StatusCodes.Status413PayloadTooLarge, "Payload too large",
                $"The body ({length} bytes) is larger than the {limit / (1024 * 1024)} MB this endpoint accepts. Split it into smaller requests.");
            return;
        }
        var type = MediaTypeHeaderValue.Parse(request.ContentType);
        if (type.Charset.HasValue && !type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            await Problems.Write(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"The body must be JSON in UTF-8; this request said charset={type.Charset}. Send it as 'Content-Type: application/json'.");
            return;
        }

        request.EnableBuffering();
        var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        request.Body.Position = 0;
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (!Utf8.IsValid(bytes.Span))
        {
            var at = InvalidUtf8At(bytes.Span);
            var field = PathAt(bytes.Span, at) ?? "body";
            await Problems.Write(context, StatusCodes.Status400BadRequest, "Bad request",
                $"{field} is not valid UTF-8 (at byte {at}). Send JSON encoded as UTF-8.",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = ["is not valid UTF-8"] } });
            return;
        }
        if (StorableJson.FindProblem(bytes.Span) is { } problem)
        {
            var field = PathAt(bytes.Span, problem.Offset) ?? "body";
            await Problems.Write(context, StatusCodes.Status400BadRequest, "Bad request", $"{field} {problem.Reason}.",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [problem.Reason] } });
            return;
        }
        await next(context);
    });

    private static bool HasJsonBody(HttpRequest request) =>
        (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0) &&
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type) &&
        (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The field (a.b[0].c) whose name or text holds byte <paramref name="offset"/>, or null (not in one, or not JSON).</summary>
    public static string? PathAt(ReadOnlySpan<byte> json, int offset)
    {
        try
        {
            return JsonPaths.At(json, offset) is { Length: > 0 } path ? path : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>The offset of the first byte that is not UTF-8.</summary>
    public static int InvalidUtf8At(ReadOnlySpan<byte> utf8)
    {
        var at = 0;
        while (at < utf8.Length && System.Text.Rune.DecodeFromUtf8(utf8[at..], out _, out var consumed) == System.Buffers.OperationStatus.Done) at += consumed;
        return at;
    }
}
