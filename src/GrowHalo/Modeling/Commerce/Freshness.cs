using GrowHalo.Platform.Events.Projections;
using GrowHalo.Platform.Database;
using GrowHalo.Platform.Tenancy;

namespace GrowHalo.Modeling.Commerce;

/// <summary>How fresh a tenant's read models are: the store time of the newest event the commerce projection applied.</summary>
public static class Freshness
{
    internal static async Task WriteAsync(ProjectionContext context, IReadOnlyDictionary<string, (DateTimeOffset LastEventAt, long Events)> tenants, CancellationToken ct)
    {
        if (tenants.Count == 0) return;
        await using var cmd = context.Command("""
            insert into read_model_freshness as f (tenant_id, last_event_at, events)
            select * from unnest($1::text[], $2::timestamptz[], $3::bigint[])
            on conflict (tenant_id) do update set
                last_event_at = greatest(f.last_event_at, excluded.last_event_at), events = f.events + excluded.events
            """)
            .WithTexts(tenants.Keys).WithTimestamps(tenants.Values.Select(v => v.LastEventAt)).With(tenants.Values.Select(v => v.Events).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Null until the first of the tenant's events has been projected.</summary>
    public static async Task<DateTimeOffset?> AsOfAsync(TenantDb db, CancellationToken ct)
    {
        await using var cmd = db.Command("select last_event_at from read_model_freshness where tenant_id = $1", db.TenantId);
        return await cmd.ExecuteScalarAsync(ct) is DateTime t ? new DateTimeOffset(t, TimeSpan.Zero) : null;
    }
}
