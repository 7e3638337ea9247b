namespace GrowHalo.Ingestion.Sync;

/// <summary>Settings under "Sync" in configuration.</summary>
public sealed class SyncOptions
{
    /// <summary>Whether this server runs sync runs at all (any server may take a queued run).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often a server looks for queued runs another server accepted (its own start at once).</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A run's progress is written to its row at most this often; event streams read it as often.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A running run whose server has not reported for this long is taken over by another server.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Runs one server executes side by side.</summary>
    public int MaxParallel { get; set; } = 4;
}
