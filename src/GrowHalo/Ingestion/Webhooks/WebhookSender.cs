using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowHalo.Ingestion.Webhooks;

/// <summary>
/// Who sent a webhook: a connection proven by its signature (the tenant is the connection's), or a custom sender with
/// an ingest-scope API key (the tenant is the key's; the connection is the tenant's one for the named account, if any).
/// </summary>
internal sealed record WebhookSender(string TenantId, IngestConnection? Connection, bool ByApiKey)
{
    public static async Task<Attempt<WebhookSender>> ByApiKeyAsync(HttpContext context, string source, string? account,
        ConnectionStore connections, CancellationToken ct)
    {
        var auth = await context.AuthenticateAsync(ApiKeyAuthentication.SchemeName);
        if (!auth.Succeeded)
            return Fail(IngestProblems.Unauthorized(auth.Failure?.Message ?? "The x-api-key header does not hold a valid API key."));
        if (!auth.Principal.HasClaim(ApiKeyAuthentication.ScopeClaim, Scopes.Ingest))
            return Fail(IngestProblems.Forbidden($"This API key lacks the '{Scopes.Ingest}' scope webhooks need. Create a key with --scopes {Scopes.Ingest}."));
        var tenant = auth.Principal.FindFirst(ApiKeyAuthentication.TenantClaim)!.Value;
        // One enabled connection per platform account (a unique index): the key's tenant's one, if that is whose it is.
        var found = account is null ? null : await connections.FindForWebhookAsync(source, account, ct);
        return new WebhookSender(tenant, found?.Connection.TenantId == tenant ? found.Connection : null, ByApiKey: true);
    }

    public static async Task<Attempt<WebhookSender>> BySignatureAsync(HttpContext context, WebhookScheme scheme, string? account,
        ReadOnlyMemory<byte> body, ConnectionStore connections, string? appSecret, ILoggerFactory loggers, CancellationToken ct)
    {
        var where = scheme.AccountHeader ?? "the body's account_id";
        if (account is null)
            return Fail(IngestProblems.Unauthorized($"The webhook does not say which {scheme.Source} account it is for ({where}), so its signature cannot be checked."));
        var found = await connections.FindForWebhookAsync(scheme.Source, account, ct);
        if (found is null)
            return Fail(IngestProblems.Unauthorized($"No enabled {scheme.Source} connection for account '{account}'. " +
                "Create one with POST /api/v1/ingest/connections (with its webhook_secret), or send an x-api-key."));
        var (connection, secret, installedByApp) = found;
        // Shopify signs an installed app's webhooks with the app's client secret; a connection may also have its own.
        string[] secrets = [.. new[] { secret, installedByApp ? appSecret : null }.OfType<string>()];
        if (secrets.Length == 0)
            return Fail(IngestProblems.Unauthorized($"Connection {connection.Id} has no webhook secret to check signatures with. " +
                "Set webhook_secret with PATCH /api/v1/ingest/connections/{id}."));
        var signature = context.Request.Headers[scheme.SignatureHeader].ToString();
        if (!secrets.Any(s => scheme.Verify(s, body.Span, signature)))
        {
            // The logger is made only here: CreateLogger takes the factory's lock, which every webhook would contend for.
            loggers.CreateLogger(typeof(WebhookEndpoint)).LogWarning("Rejected a {Source} webhook for {Account}: bad signature", scheme.Source, account);
            return Fail(IngestProblems.Unauthorized($"The {scheme.SignatureHeader} signature does not match. It must be {scheme.Format}, " +
                $"made with the webhook secret of the connection for '{account}'" + (installedByApp ? " or the Shopify app's client secret." : ".")));
        }
        return new WebhookSender(connection.TenantId, connection, ByApiKey: false);
    }

    private static Attempt<WebhookSender> Fail(ProblemHttpResult problem) => Attempt<WebhookSender>.Fail(problem);
}
