namespace GrowHalo.Ingestion.Polling;

/// <summary>Settings under "Polling" in configuration.</summary>
public sealed class PollingOptions
{
    /// <summary>Whether the server runs the polling service at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the service looks for connections that are due (each has its own polling interval).</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How far back a connection's first pass reaches.</summary>
    public int BackfillDays { get; set; } = 90;

    /// <summary>Meta and Google restate recent days: each pass re-pulls this many trailing days.</summary>
    public int RestatementDays { get; set; } = 3;

    /// <summary>Days asked for in one insights / searchStream request.</summary>
    public int DaysPerRequest { get; set; } = 14;

    /// <summary>Shopify REST page size (its maximum is 250).</summary>
    public int ShopifyPageSize { get; set; } = 250;

    /// <summary>Attempts per request before the pass gives up and the error is recorded on the cursor.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>First retry delay for 5xx and network errors; doubles per attempt. Also the unit of the cursor's backoff.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait before a failing connection is tried again.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a claimed pass may run before another server may take the connection over.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(10);
}
