namespace GrowHalo.Ingestion.Polling;

/// <summary>A pass that cannot go on (the platform refused, kept failing, or answered something unusable). Recorded on the cursor.</summary>
public sealed class PollingException(string message, int? status = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The platform's HTTP status, when it answered.</summary>
    public int? Status { get; } = status;
}
