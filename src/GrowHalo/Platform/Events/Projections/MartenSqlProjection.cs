using JasperFx.Events;
using Marten;
using Marten.Events.Daemon.Internals;
using Marten.Events.Projections;
using Npgsql;

namespace GrowHalo.Platform.Events.Projections;

/// <summary>
/// An <see cref="ISqlProjection"/> as a Marten projection. Marten hands a page's events to <c>ApplyAsync</c> once per
/// tenant; each call only collects them into the page's one <see cref="ITransactionParticipant"/>, which Marten runs
/// after its own statements (the progress update) and before its commit, on its connection and transaction: the
/// read models and the progress commit together, and a page is one set of statements whatever its tenants.
/// <para>Why beside Marten rather than Marten's document projections: the read models are SQL tables written with
/// set-based statements (14–15k events/s where a statement per event made ~1.9k, and jsonb documents 3–5.5k).</para>
/// </summary>
public sealed class MartenSqlProjection(ISqlProjection projection, ProjectionFailures failures) : IProjection
{
    public ISqlProjection Inner => projection;
    private ProjectionFailures Failures => failures;

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        // Tombstones mark the sequence numbers of an append that failed: nothing to project.
        if (events.Any(e => e.Data is Tombstone)) events = events.Where(e => e.Data is not Tombstone).ToList();
        if (events.Count == 0) return Task.CompletedTask;
        if (operations is IDocumentSession { PendingChanges: ProjectionUpdateBatch batch })
        {
            var page = batch.TransactionParticipants.OfType<Page>().FirstOrDefault(p => p.Owner == this);
            if (page is null) batch.AddTransactionParticipant(page = new Page(this));
            page.Events.AddRange(events);
        }
        else if (operations is ITransactionParticipantRegistrar registrar)
        {
            var page = new Page(this);
            page.Events.AddRange(events);
            registrar.AddTransactionParticipant(page);
        }
        else throw new InvalidOperationException($"Projection {projection.Name} runs in Marten's async daemon, whose sessions take transaction participants.");
        return Task.CompletedTask;
    }

    private sealed class Page(MartenSqlProjection owner) : ITransactionParticipant
    {
        public MartenSqlProjection Owner => owner;
        public List<IEvent> Events { get; } = [];

        public async Task BeforeCommitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken token)
        {
            Events.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
            var context = new ProjectionContext(connection, transaction);
            await ProjectionRun.ApplyAsync(owner.Inner, owner.Failures, Events, context, token);
        }
    }
}
