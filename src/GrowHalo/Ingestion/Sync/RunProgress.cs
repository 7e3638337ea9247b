using System.Diagnostics;
using GrowHalo.Ingestion.Polling;

namespace GrowHalo.Ingestion.Sync;

/// <summary>
/// A running run's progress: counts kept here as pages commit, written to its row at most every
/// <see cref="SyncOptions.ProgressInterval"/> (readers on any node poll the row), and a stop asked for through the
/// API turned into <see cref="PassCancelledException"/> at the next page boundary.
/// </summary>
public sealed class RunProgress(string tenantId, Guid runId, SyncRunStore runs, TimeSpan interval) : IPassProgress
{
    private readonly Stopwatch _sinceWrite = Stopwatch.StartNew();
    private bool _pageWritten;

    public string? Step { get; private set; }
    public long Fetched { get; private set; }
    public long Stored { get; private set; }
    public long? Total { get; private set; }
    public long UnitsDone { get; private set; }

    public decimal? Percent => Total is > 0 ? Math.Min(100m, Math.Round(100m * UnitsDone / Total.Value, 1)) : Total == 0 ? 100m : null;

    public SyncSnapshot Snapshot(string? step = null, decimal? percent = null) => new(step ?? Step, Fetched, Stored, Total, percent ?? Percent);

    public async Task TotalAsync(long total, CancellationToken ct)
    {
        Total = total;
        await WriteAsync(force: true, ct);
    }

    public async Task PageAsync(string step, int fetched, int stored, long unitsDone, CancellationToken ct)
    {
        Step = step;
        Fetched += fetched;
        Stored += stored;
        UnitsDone = unitsDone;
        await WriteAsync(force: !_pageWritten, ct); // the first page at once: a watcher sees the run move
        _pageWritten = true;
    }

    /// <summary>Progress of work that reports synchronously (a re-projection): kept until <see cref="FlushAsync"/> writes it.</summary>
    public void Set(string step, long processed, long unitsDone, long total)
    {
        lock (_sinceWrite) (Step, Fetched, Stored, UnitsDone, Total) = (step, processed, processed, unitsDone, total);
    }

    public Task FlushAsync(CancellationToken ct)
    {
        SyncSnapshot snapshot;
        lock (_sinceWrite) snapshot = Snapshot();
        return runs.ReportAsync(tenantId, runId, snapshot, ct);
    }

    private async Task WriteAsync(bool force, CancellationToken ct)
    {
        bool stop;
        if (force || _sinceWrite.Elapsed >= interval)
        {
            stop = await runs.ReportAsync(tenantId, runId, Snapshot(), ct);
            _sinceWrite.Restart();
        }
        else stop = await runs.CancelRequestedAsync(tenantId, runId, ct);
        if (stop) throw new PassCancelledException();
    }
}
