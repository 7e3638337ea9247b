using GrowHalo.Ingestion.Connections;
using GrowHalo.Platform.Tenancy;
using Microsoft.Extensions.Options;

namespace GrowHalo.Ingestion.Polling;

/// <summary>
/// One polling pass over one connection, whatever its platform. A failure never escapes: it is recorded on the
/// connection's cursor (error count, last error, next try after a growing backoff) and returned in the outcome,
/// so one failing connection never holds up the others.
/// </summary>
public sealed class ConnectionPoller(
    ConnectionStore connections, TenantStore tenants, PollCursorStore cursors, PlatformHttp http, IOptions<PollingOptions> options,
    TimeProvider time, IConfiguration configuration, ILogger<ConnectionPoller> logger)
{
    public Task<PollOutcome> PollAsync(IngestConnection connection, CancellationToken ct) => PollAsync(connection, null, ct);

    /// <summary>A pass watched by <paramref name="progress"/> (a sync run), which may stop it at a page boundary: then
    /// <see cref="PassCancelledException"/> comes out and the cursor stands after the last committed page, no failure counted.</summary>
    public async Task<PollOutcome> PollAsync(IngestConnection connection, IPassProgress? progress, CancellationToken ct)
    {
        PollPass? pass = null;
        try
        {
            var token = await connections.SecretAsync(connection.TenantId, connection.Id, Secret.AccessToken, ct)
                ?? throw new PollingException($"Connection {connection.Id} has no access_token to call the {connection.Source} API with. Set one with PATCH /api/v1/ingest/connections/{connection.Id}.");
            var tenant = await tenants.FindAsync(connection.TenantId, ct);
            pass = new PollPass(new PollTarget(connection, token, tenant?.Zone ?? TimeZoneInfo.Utc), cursors, time, progress);
            var cursor = await cursors.LoadAsync(connection.TenantId, connection.Id, ct);
            var o = options.Value;
            await (connection.Source switch
            {
                "shopify" => new ShopifyPoller(http, o, time).RunAsync(pass, cursor, ct),
                "meta" => new MetaPoller(http, o, time).RunAsync(pass, cursor, ct),
                "google" => new GooglePoller(http, o, time, configuration).RunAsync(pass, cursor, ct),
                _ => throw new PollingException($"GrowHalo cannot poll '{connection.Source}'."),
            });
            await cursors.RecordSuccessAsync(connection.TenantId, connection.Id, TimeSpan.FromSeconds(connection.PollingIntervalSeconds), CancellationToken.None);
            var outcome = pass.Outcome();
            logger.LogInformation("Polled {Outcome}", outcome);
            return outcome;
        }
        catch (PassCancelledException)
        {
            await cursors.RecordStoppedAsync(connection.TenantId, connection.Id, TimeSpan.FromSeconds(connection.PollingIntervalSeconds), CancellationToken.None);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var next = await cursors.RecordFailureAsync(connection.TenantId, connection.Id, e.Message, options.Value, CancellationToken.None);
            logger.LogWarning("Polling {Connection} ({Source}) failed; next try at {Next:u}: {Error}", connection.Id, connection.Source, next, e.Message);
            return pass?.Outcome(e.Message) ?? new PollOutcome(connection.Id, connection.Source, 0, 0, 0, 0, e.Message);
        }
    }
}
