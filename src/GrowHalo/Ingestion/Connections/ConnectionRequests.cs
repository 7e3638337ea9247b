using System.Text.Json;
using GrowHalo.Ingestion.Adapters;
using GrowHalo.Ingestion.Http;
using GrowHalo.Ingestion.Parsing;
using GrowHalo.Platform.Events;

namespace GrowHalo.Ingestion.Connections;

/// <summary>
/// Reads the bodies of POST and PATCH /api/v1/ingest/connections, strictly: an unknown field is an error (a typo such
/// as "enable" must not be silently ignored), and each bad field gets one message saying what to send instead.
/// </summary>
internal static class ConnectionRequests
{
    private static readonly string[] Fields =
        ["source", "external_account_id", "display_name", "api_base_url", "polling_enabled", "polling_interval_seconds",
         "enabled", "webhook_secret", "access_token"];

    /// <summary>The body as JSON, up to 64 KB: 415 unless it says JSON, 413 past the limit, 400 when it does not parse.</summary>
    public static async Task<Attempt<JsonDocument>> ReadAsync(HttpContext context, CancellationToken ct)
    {
        if (JsonBody.CheckContentType(context.Request) is { } wrongType) return Attempt<JsonDocument>.Fail(wrongType);
        var bytes = await JsonBody.ReadAsync(context, 64 * 1024, ct);
        if (bytes.Problem is not null) return Attempt<JsonDocument>.Fail(bytes.Problem);
        var parsed = JsonBody.Parse(bytes.Value);
        // Every field of a connection is stored as text, which cannot hold \u0000 or half a surrogate pair.
        if (parsed.Value is not { } document || StorableJson.FindProblem(bytes.Value.Span) is not { } unstorable) return parsed;
        document.Dispose();
        var field = JsonPaths.At(bytes.Value.Span, unstorable.Offset);
        return Attempt<JsonDocument>.Fail(IngestProblems.Invalid($"{field} {unstorable.Reason}.", [new FieldError(field, unstorable.Reason)]));
    }

    public static (ConnectionSettings?, IReadOnlyList<FieldError>) ParseCreate(JsonElement body, OutboundUrls urls)
    {
        var errors = Unknown(body, "enabled");
        if (body.ValueKind != JsonValueKind.Object) return (null, errors);
        var f = new JsonFields(body);
        var sourceText = f.String("source", required: true);
        var source = Sources.Normalize(sourceText);
        if (sourceText is not null && source is null) f.Error("source", $"must be one of {string.Join(", ", Sources.All)}, got \"{sourceText}\"");
        var account = f.String("external_account_id", required: true);
        var normalized = source is null ? null : AccountIds.Normalize(source, account);
        if (source is not null && account is not null && normalized is null) f.Error("external_account_id", $"must be {AccountIds.Example(source)}");
        var url = Url(f, source, urls);
        var polling = f.Bool("polling_enabled") ?? false;
        var interval = Interval(f) ?? 900;
        var webhookSecret = Secret(f, "webhook_secret");
        var token = Secret(f, "access_token");
        errors.AddRange(f.Errors);
        if (errors.Count > 0) return (null, errors);
        return (new ConnectionSettings(source!, normalized!, f.String("display_name")?.Trim() is { Length: > 0 } name ? name : normalized!,
            url, polling, interval, webhookSecret, token), errors);
    }

    /// <summary>An api_base_url is checked against every platform's hosts here, against the connection's own by the endpoint.</summary>
    public static (ConnectionPatch?, IReadOnlyList<FieldError>) ParsePatch(JsonElement body, OutboundUrls urls)
    {
        var errors = Unknown(body, "source", "external_account_id");
        if (body.ValueKind != JsonValueKind.Object) return (null, errors);
        var f = new JsonFields(body);
        var name = f.String("display_name")?.Trim();
        if (name is { Length: 0 }) f.Error("display_name", "must not be empty");
        var patch = new ConnectionPatch(name, Nullable(body, "api_base_url", () => Url(f, null, urls)), f.Bool("polling_enabled"), Interval(f),
            f.Bool("enabled"), Nullable(body, "webhook_secret", () => Secret(f, "webhook_secret")),
            Nullable(body, "access_token", () => Secret(f, "access_token")));
        errors.AddRange(f.Errors);
        return errors.Count > 0 ? (null, errors) : (patch, errors);
    }

    private static List<FieldError> Unknown(JsonElement body, params string[] except)
    {
        if (body.ValueKind != JsonValueKind.Object) return [new FieldError("body", "must be a JSON object")];
        return body.EnumerateObject().Where(p => !Fields.Except(except).Contains(p.Name))
            .Select(p => new FieldError(p.Name, except.Contains(p.Name)
                ? "cannot be set here" + (p.Name == "enabled" ? "; a new connection is enabled (disable it with PATCH)" : "; create a new connection for another account")
                : $"is not a connection field; known fields: {string.Join(", ", Fields.Except(except))}"))
            .ToList();
    }

    /// <summary>Absent: no change; null: clear it; a value: set it.</summary>
    private static Change<string?>? Nullable(JsonElement body, string name, Func<string?> read) =>
        !body.TryGetProperty(name, out var v) ? null : v.ValueKind == JsonValueKind.Null ? new Change<string?>(null) : new Change<string?>(read());

    private static string? Url(JsonFields f, string? source, OutboundUrls urls)
    {
        var raw = f.String("api_base_url");
        if (raw is null) return null;
        if (!Uri.TryCreate(raw.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            f.Error("api_base_url", $"must be an absolute http(s) URL such as {OutboundUrls.AllowedHosts(source)}, got \"{raw}\"");
            return null;
        }
        if (urls.Check(source, uri) is { } refusal)
        {
            f.Error("api_base_url", $"{refusal}, got \"{raw}\"");
            return null;
        }
        return uri.ToString().TrimEnd('/');
    }

    private static int? Interval(JsonFields f)
    {
        var seconds = f.Long("polling_interval_seconds");
        if (seconds is null or (>= 1 and <= 86_400)) return (int?)seconds;
        f.Error("polling_interval_seconds", "must be between 1 and 86400 seconds");
        return null;
    }

    private static string? Secret(JsonFields f, string name)
    {
        if (!f.TryGet(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0) return v.GetString();
        f.Error(name, "must be a non-empty string (or null in PATCH to remove it)");
        return null;
    }
}
