using System.Text.Json.Serialization;
using GrowHalo.Ingestion;

namespace GrowHalo.Privacy;

/// <summary>The three mandatory privacy webhooks Shopify sends every app, and what GrowHalo calls each request.</summary>
public static class PrivacyTopics
{
    public const string DataRequest = "customers/data_request";
    public const string CustomerRedact = "customers/redact";
    public const string ShopRedact = "shop/redact";
    public static readonly IReadOnlyList<string> All = [DataRequest, CustomerRedact, ShopRedact];

    public static bool Is(string? topic) => topic is not null && All.Contains(topic);

    public static string KindOf(string topic) => topic switch
    {
        DataRequest => PrivacyKinds.DataRequest,
        CustomerRedact => PrivacyKinds.CustomerRedact,
        ShopRedact => PrivacyKinds.ShopRedact,
        _ => throw new ArgumentOutOfRangeException(nameof(topic), topic, "not a privacy topic"),
    };
}

/// <summary>The <c>kind</c> of a privacy request, as stored and answered.</summary>
public static class PrivacyKinds
{
    public const string DataRequest = "data_request";
    public const string CustomerRedact = "customer_redact";
    public const string ShopRedact = "shop_redact";
}

/// <summary>The <c>state</c> of a privacy request: received (waiting for the worker), retrying (a try failed), completed.</summary>
public static class PrivacyStates
{
    public const string Received = "received";
    public const string Retrying = "retrying";
    public const string Completed = "completed";
}

/// <summary>
/// A privacy webhook stored as an event like every other Shopify record (stream <c>shopify:privacy:{kind}</c>, the
/// body verbatim). Projections ignore it; the privacy worker acts on the request row written with it.
/// </summary>
public sealed record ShopifyPrivacyRequestReceived : SourceRecordReceived
{
    public const string TypeName = "shopify_privacy_request_received";
    [JsonIgnore] public override string EventType => TypeName;
}
