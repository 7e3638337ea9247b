namespace GrowHalo.Ingestion.Polling;

/// <summary>
/// Where a pass stands, for whoever watches it (a sync run): told the total when the poller learns it (Shopify's
/// counts, an ad platform's days) and each committed page. A watcher may stop the pass at a page boundary by throwing
/// <see cref="PassCancelledException"/> from <see cref="PageAsync"/>: the page and its cursor are committed by then.
/// </summary>
public interface IPassProgress
{
    /// <summary>The pass will cover <paramref name="total"/> units (records for Shopify, days for Meta and Google).</summary>
    Task TotalAsync(long total, CancellationToken ct);

    /// <summary>A page was committed: <paramref name="fetched"/> records, <paramref name="stored"/> of them new; <paramref name="unitsDone"/> of the total so far.</summary>
    Task PageAsync(string step, int fetched, int stored, long unitsDone, CancellationToken ct);
}

/// <summary>The pass was stopped on request at a page boundary; its cursor stands after the last committed page.</summary>
public sealed class PassCancelledException() : Exception("The pass was cancelled.");
