using GrowHalo.Ingestion.Connections;

namespace GrowHalo.Ingestion.Polling;

/// <summary>One connection as a poller needs it: whose it is, where its API is, its token, and its tenant's calendar.</summary>
public sealed record PollTarget(IngestConnection Connection, string AccessToken, TimeZoneInfo Zone)
{
    public string ConnectionId => Connection.Id;
    public string TenantId => Connection.TenantId;
    public string Account => Connection.ExternalAccountId;

    /// <summary>The connection's api_base_url (tests and the demo point it at the simulator), else the platform's own.</summary>
    public string BaseUrl => (Connection.ApiBaseUrl ?? Connection.Source switch
    {
        "shopify" => $"https://{Connection.ExternalAccountId}",
        "meta" => "https://graph.facebook.com",
        _ => "https://googleads.googleapis.com",
    }).TrimEnd('/');

    public DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone).DateTime);
}

/// <summary>What one pass did.</summary>
public sealed record PollOutcome(string ConnectionId, string Source, int Pages, int Appended, int Duplicates, int Rejected, string? Error)
{
    public bool Succeeded => Error is null;

    public override string ToString() => Error is null
        ? $"{ConnectionId} ({Source}): {Pages} page(s), {Appended} new event(s), {Duplicates} duplicate(s), {Rejected} rejected"
        : $"{ConnectionId} ({Source}): failed after {Pages} page(s) and {Appended} new event(s): {Error}";
}
