using JasperFx.Events;
using Microsoft.Extensions.Logging;

namespace GrowHalo.Platform.Events.Projections;

/// <summary>Events a projection could not apply (the database refused them), kept in projection_failures for status and repair.</summary>
public sealed class ProjectionFailures(ILogger<ProjectionFailures> logger)
{
    public async Task RecordAsync(ProjectionContext context, string projection, IEvent e, Exception error, CancellationToken ct)
    {
        logger.LogError(error, "Projection {Projection} passed over event {Sequence} ({EventType}, tenant {TenantId}): the database refused it",
            projection, e.Sequence, e.EventTypeName, e.TenantId);
        await using var cmd = context.Command("""
            insert into projection_failures (projection, seq_id, event_id, tenant_id, event_type, error)
            values ($1, $2, $3, $4, $5, $6)
            on conflict (projection, seq_id) do update set error = excluded.error, failed_at = now()
            """);
        cmd.Parameters.Add(new() { Value = projection });
        cmd.Parameters.Add(new() { Value = e.Sequence });
        cmd.Parameters.Add(new() { Value = e.Id });
        cmd.Parameters.Add(new() { Value = e.TenantId });
        cmd.Parameters.Add(new() { Value = e.EventTypeName });
        cmd.Parameters.Add(new() { Value = error.Message });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
