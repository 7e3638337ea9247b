using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Unicode;
using GrowHalo.Ingestion.Parsing;
using GrowHalo.Platform.Http;
using Microsoft.Net.Http.Headers;

namespace GrowHalo.Ingestion.Http;

/// <summary>A value, or the problem answer that replaces it.</summary>
internal readonly record struct Attempt<T>(T? Value, ProblemHttpResult? Problem)
{
    public static implicit operator Attempt<T>(T value) => new(value, null);
    public static Attempt<T> Fail(ProblemHttpResult problem) => new(default, problem);
}

/// <summary>
/// Reads a request body once, as raw bytes (what a signature is computed over), within a size limit of our own
/// rather than the server's default, and parses it as JSON with errors a person can act on.
/// </summary>
internal static class JsonBody
{
    public const long BatchLimit = 64L * 1024 * 1024;
    public const long WebhookLimit = 16L * 1024 * 1024;

    public static ProblemHttpResult? CheckContentType(HttpRequest request)
    {
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var type) &&
            (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
             type.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)) &&
            (!type.Charset.HasValue || type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
            return null;
        return IngestProblems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
            $"The body must be JSON sent with 'Content-Type: application/json' (UTF-8); this request said '{request.ContentType ?? "nothing"}'.");
    }

    public static async Task<Attempt<ReadOnlyMemory<byte>>> ReadAsync(HttpContext context, long limit, CancellationToken ct)
    {
        var size = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (size is { IsReadOnly: false }) size.MaxRequestBodySize = limit;
        if (context.Request.ContentLength > limit) return Attempt<ReadOnlyMemory<byte>>.Fail(TooLarge(limit));

        var body = new MemoryStream((int)Math.Min(context.Request.ContentLength ?? 64 * 1024, limit));
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (body.Length + read > limit) return Attempt<ReadOnlyMemory<byte>>.Fail(TooLarge(limit));
                body.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Attempt<ReadOnlyMemory<byte>>.Fail(TooLarge(limit));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return new ReadOnlyMemory<byte>(body.GetBuffer(), 0, (int)body.Length);
    }

    public static Attempt<JsonDocument> Parse(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.IsEmpty) return Attempt<JsonDocument>.Fail(IngestProblems.BadRequest("The body is empty; send a JSON document."));
        // The JSON reader decodes text only when asked for it, so bytes that are not UTF-8 would fail later, as a server error.
        if (!Utf8.IsValid(bytes.Span))
        {
            var at = BoundJsonBodies.InvalidUtf8At(bytes.Span);
            var detail = $"The body is not valid UTF-8 (at byte {at}). Send JSON encoded as UTF-8.";
            return Attempt<JsonDocument>.Fail(BoundJsonBodies.PathAt(bytes.Span, at) is { } field
                ? IngestProblems.Invalid($"{field} is not valid UTF-8 (at byte {at}). Send JSON encoded as UTF-8.", [new FieldError(field, "is not valid UTF-8")])
                : IngestProblems.BadRequest(detail));
        }
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : "";
            var what = e.Message.Split(" LineNumber:")[0].Split(" Path:")[0];
            return Attempt<JsonDocument>.Fail(IngestProblems.BadRequest(
                $"The body is not valid JSON{where}: {what} Check for a missing comma, quote or bracket there."));
        }
    }

    private static ProblemHttpResult TooLarge(long limit) => IngestProblems.Status(StatusCodes.Status413PayloadTooLarge, "Payload too large",
        $"The body is larger than this endpoint's limit of {limit / (1024 * 1024)} MB. Split the records over several requests.");
}
