using System.Text.Json;
using GrowHalo.Analytics.Metrics;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace GrowHalo.Analytics.Customers.Segments;

/// <summary>Segments in the <c>segments</c> table (migration 0420), read and written inside a tenant's <see cref="TenantDb"/>.</summary>
public static class SegmentStore
{
    private const string Columns = "segment_id, name, rules::text, created_at, updated_at";

    public static async Task<Segment?> GetAsync(TenantDb db, Guid id, CancellationToken ct)
    {
        await using var cmd = db.Command($"select {Columns} from segments where tenant_id = $1 and segment_id = $2", db.TenantId, id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public static async Task<IReadOnlyList<Segment>> ListAsync(TenantDb db, CancellationToken ct)
    {
        await using var cmd = db.Command($"select {Columns} from segments where tenant_id = $1 order by lower(name), segment_id", db.TenantId);
        var segments = new List<Segment>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) segments.Add(Read(r));
        return segments;
    }

    /// <summary>Stores a new segment; null when the tenant already has a segment of that name.</summary>
    public static async Task<Segment?> InsertAsync(TenantDb db, string name, JsonElement rules, DateTimeOffset now, CancellationToken ct) =>
        await WriteAsync(db, $"""
            insert into segments (tenant_id, segment_id, name, rules, created_at, updated_at)
            values ($1, $2, $3, $4::json, $5, $5)
            on conflict (tenant_id, lower(name)) do nothing
            returning {Columns}
            """, ct, db.TenantId, Guid.CreateVersion7(now), name, rules.GetRawText(), now);

    /// <summary>Replaces a segment's name and rules: <see cref="Update.Missing"/>, <see cref="Update.NameTaken"/> or the segment.</summary>
    public static async Task<(Segment? Segment, Update Outcome)> UpdateAsync(TenantDb db, Guid id, string name, JsonElement rules, DateTimeOffset now,
        CancellationToken ct)
    {
        if (await GetAsync(db, id, ct) is null) return (null, Update.Missing);
        try
        {
            var updated = await WriteAsync(db, $"""
                update segments set name = $3, rules = $4::json, updated_at = $5
                where tenant_id = $1 and segment_id = $2
                returning {Columns}
                """, ct, db.TenantId, id, name, rules.GetRawText(), now);
            return updated is null ? (null, Update.Missing) : (updated, Update.Done);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return (null, Update.NameTaken);
        }
    }

    public enum Update { Done, Missing, NameTaken }

    public static async Task<bool> DeleteAsync(TenantDb db, Guid id, CancellationToken ct)
    {
        await using var cmd = db.Command("delete from segments where tenant_id = $1 and segment_id = $2", db.TenantId, id);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// Each segment's members now, counted in one pass over the tenant's customers (a count per segment, filtered), so
    /// listing many segments costs one scan.
    /// </summary>
    public static async Task<IReadOnlyList<long>> CountAsync(TenantDb db, IReadOnlyList<Segment> segments, DateOnly today, CancellationToken ct)
    {
        if (segments.Count == 0) return [];
        var args = new SqlArgs();
        var tenant = args.Add(db.TenantId);
        var counts = string.Join(",\n       ", segments.Select(s => $"count(*) filter (where {s.Filter(today)(args)})"));
        await using var cmd = db.Command($"select {counts}\nfrom {CustomerList.From}\nwhere c.tenant_id = {tenant}", args.Values);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return [.. Enumerable.Range(0, segments.Count).Select(r.GetInt64)];
    }

    /// <summary>Answers for segments: each with its member count now, the time it was counted, and the read models' freshness.</summary>
    public static async Task<IReadOnlyList<SegmentResponse>> RespondAsync(TenantDb db, IReadOnlyList<Segment> segments, RequestTenant tenant,
        TimeProvider clock, CancellationToken ct)
    {
        var computedAt = clock.GetUtcNow();
        var counts = await CountAsync(db, segments, tenant.Tenant.LocalDate(computedAt), ct);
        var asOf = await Freshness.AsOfAsync(db, ct);
        return [.. segments.Select((s, i) => SegmentResponse.From(s, counts[i], computedAt, asOf))];
    }

    /// <summary>Another tenant's segment id is answered exactly like an id that does not exist: ids cannot be probed.</summary>
    public static ProblemHttpResult NotFound(Guid id) => TypedResults.Problem(
        $"This tenant has no segment {id}. List its segments with GET /api/v1/segments.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult NameTaken(string name) => TypedResults.Problem(
        $"This tenant already has a segment named \"{name}\" (names are unique, whatever their case). Choose another name, or change that segment with PUT /api/v1/segments/{{id}}.",
        statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    private static async Task<Segment?> WriteAsync(TenantDb db, string sql, CancellationToken ct, params object?[] args)
    {
        await using var cmd = db.Command(sql, args);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    private static Segment Read(NpgsqlDataReader r)
    {
        using var json = JsonDocument.Parse(r.GetString(2));
        var rules = json.RootElement.Clone();
        // Stored rules passed these checks when they were stored; a field taken away since would be a defect here.
        var rule = SegmentRules.Parse(rules, new Validation())
                   ?? throw new InvalidOperationException($"Segment {r.GetGuid(0)} has stored rules that no longer parse.");
        return new Segment(r.GetGuid(0), r.GetString(1), rules, rule, r.GetFieldValue<DateTimeOffset>(3), r.GetFieldValue<DateTimeOffset>(4));
    }
}
