using System.Runtime.InteropServices;
using Marten;
using Marten.Services;
using Npgsql;

namespace GrowHalo.Platform.Events;

/// <summary>
/// The write side's only door: appends a tenant's source events to their Marten streams inside the caller's
/// transaction, so the ledger, a poll cursor or a batch record commit (or roll back) with them.
/// <para>Why this small piece beside Marten: Marten has no insert-or-ignore append. A duplicate event id fails the
/// whole <c>SaveChangesAsync</c> (the unique index on mt_events.id), so the ids already stored are looked up first and
/// only the rest are appended; a concurrent twin that commits the same id in between is caught at a savepoint and the
/// append retried once without the ids now stored. Every duplicate is reported per event, never as an error.</para>
/// </summary>
public sealed class EventAppender(IDocumentStore store)
{
    private readonly Marten.Events.EventGraph _events = (Marten.Events.EventGraph)((DocumentStore)store).Options.Events;

    /// <summary>Appends in a transaction of its own (tools and tests; request code appends inside its tenant's transaction).</summary>
    public async Task<AppendResult> AppendAsync(string tenantId, IReadOnlyList<NewEvent> events, CancellationToken ct = default)
    {
        await using var conn = (await store.Storage.FindOrCreateDatabase(tenantId)).CreateConnection();
        await conn.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var result = await AppendAsync(tx, tenantId, events, ct: ct);
        await tx.CommitAsync(ct);
        return result;
    }

    public async Task<AppendResult> AppendAsync(NpgsqlTransaction tx, string tenantId, IReadOnlyList<NewEvent> events,
        long? expectedVersion = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        if (events.Count == 0) return new AppendResult([]);
        if (expectedVersion is not null && events.Select(e => e.StreamId).Distinct().Skip(1).Any())
            throw new ArgumentException("An expected version applies to a single stream; this append touches several.", nameof(expectedVersion));
        foreach (var e in events) EnsureStorable(e);

        for (var attempt = 1; ; attempt++)
        {
            var stored = await StoredIdsAsync(tx, events, ct);
            var outcomes = Plan(events, stored, out var fresh);
            if (fresh.Count == 0) return new AppendResult(outcomes);
            await tx.SaveAsync("append", ct);
            try
            {
                await AppendFreshAsync(tx, tenantId, fresh, expectedVersion, ct);
                await tx.ReleaseAsync("append", ct);
                return new AppendResult(outcomes);
            }
            catch (Exception e) when (attempt <= 3 && expectedVersion is null && (IsDuplicateId(e) || e is JasperFx.ConcurrencyException))
            {
                // A twin committed some of these ids (or created one of these streams) after the look-up: again, without them.
                await tx.RollbackAsync("append", ct);
            }
            catch (JasperFx.ConcurrencyException) when (expectedVersion is not null)
            {
                await tx.RollbackAsync("append", ct);
                throw new StreamVersionConflictException(events[0].StreamId, expectedVersion!.Value,
                    await StreamVersionAsync(tx, tenantId, events[0].StreamId, ct));
            }
        }
    }

    private async Task AppendFreshAsync(NpgsqlTransaction tx, string tenantId, List<NewEvent> fresh, long? expectedVersion, CancellationToken ct)
    {
        var options = Marten.Services.SessionOptions.ForTransaction(tx);
        options.TenantId = tenantId;
        await using var session = store.LightweightSession(options);
        var streams = fresh.GroupBy(e => e.StreamId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        await LockStreamsAsync(tx, tenantId, streams.Select(g => g.Key).ToArray(), ct);
        foreach (var stream in streams)
        {
            var wrapped = stream.Select(Wrap).ToArray();
            if (expectedVersion is { } version) session.Events.Append(stream.Key, version + wrapped.Length, wrapped);
            else session.Events.Append(stream.Key, wrapped);
        }
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is not PostgresException && Refusal(e) is { } refused && !IsDuplicateId(refused))
        {
            // What PostgreSQL refused, as PostgreSQL said it: the HTTP layer maps its class to a status (22xxx → 422).
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(refused).Throw();
        }
    }

    /// <summary>
    /// Locks every stream an append touches, creating the new ones, in one order and one statement, before Marten
    /// appends to them. Marten's append reads a stream's version without a lock, so concurrent appends to one stream
    /// would all write the next version and all but one fail; locked first, they wait for each other and number on,
    /// and the one order means two appends over the same streams cannot deadlock. (Row locks, not advisory ones: an
    /// append of 10,000 streams would fill PostgreSQL's lock table.) A new stream's row is made as Marten makes it, at
    /// version 0; Marten's append then finds it and numbers on from there.
    /// </summary>
    private static async Task LockStreamsAsync(NpgsqlTransaction tx, string tenantId, string[] streams, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into mt_streams as s (id, type, version, timestamp, tenant_id)
            select id, null, 0, now(), $1 from unnest($2::text[]) as u(id) order by id
            on conflict (tenant_id, id) do update set version = s.version
            """, tx.Connection, tx)
        {
            Parameters = { new() { Value = tenantId }, new() { Value = streams } },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private object Wrap(NewEvent e)
    {
        // Marten names the event by its body's type (ShopifyOrderReceived → shopify_order_received).
        var wrapped = _events.BuildEvent(e.Data);
        wrapped.Id = e.Id;
        if (e.Headers is not null)
            foreach (var (key, value) in e.Headers) wrapped.SetHeader(key, value);
        return wrapped;
    }

    /// <summary>Appended or duplicate per event, in order; a second event with an id seen earlier in the same append is a duplicate too.</summary>
    private static List<AppendOutcome> Plan(IReadOnlyList<NewEvent> events, HashSet<Guid> stored, out List<NewEvent> fresh)
    {
        var outcomes = new List<AppendOutcome>(events.Count);
        fresh = new List<NewEvent>(events.Count);
        var seen = new HashSet<Guid>(stored);
        foreach (var e in events)
        {
            var isNew = seen.Add(e.Id);
            outcomes.Add(new AppendOutcome(e.Id, e.StreamId, isNew ? AppendStatus.Appended : AppendStatus.Duplicate));
            if (isNew) fresh.Add(e);
        }
        return outcomes;
    }

    private static async Task<HashSet<Guid>> StoredIdsAsync(NpgsqlTransaction tx, IReadOnlyList<NewEvent> events, CancellationToken ct)
    {
        var ids = new Guid[events.Count];
        for (var i = 0; i < ids.Length; i++) ids[i] = events[i].Id;
        await using var cmd = new NpgsqlCommand("select id from mt_events where id = any($1)", tx.Connection, tx) { Parameters = { new() { Value = ids } } };
        var stored = new HashSet<Guid>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) stored.Add(r.GetGuid(0));
        return stored;
    }

    private static async Task<long> StreamVersionAsync(NpgsqlTransaction tx, string tenantId, string streamId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select coalesce(max(version), 0) from mt_streams where tenant_id = $1 and id = $2", tx.Connection, tx)
        {
            Parameters = { new() { Value = tenantId }, new() { Value = streamId } },
        };
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>What PostgreSQL said under Marten's wrapping (a command failure, or the aborted transaction it leaves).</summary>
    private static PostgresException? Refusal(Exception? e) => e switch
    {
        null => null,
        PostgresException pg => pg,
        _ => Refusal(e.InnerException),
    };

    private static bool IsDuplicateId(Exception e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } ||
        e.InnerException is not null && IsDuplicateId(e.InnerException);

    /// <summary>jsonb cannot hold every string JSON can (see <see cref="StorableJson"/>): refused here, before any write.</summary>
    private static void EnsureStorable(NewEvent e)
    {
        var payload = e.Data.Payload;
        if (payload.ValueKind is not (System.Text.Json.JsonValueKind.Object or System.Text.Json.JsonValueKind.Array)) return;
        if (StorableJson.FindProblem(JsonMarshal.GetRawUtf8Value(payload)) is { Reason: var reason })
            throw new UnstorableEventException(e.Id, e.StreamId, reason);
    }
}
