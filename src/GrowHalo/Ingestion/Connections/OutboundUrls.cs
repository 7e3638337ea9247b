using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace GrowHalo.Ingestion.Connections;

/// <summary>The server would not connect: the name resolved to an address platform requests may not go to. Not retried.</summary>
public sealed class OutboundRefusedException(string message) : HttpRequestException(message);

/// <summary>Settings under "Connections" in configuration: where the server may send its platform requests.</summary>
public sealed class ConnectionOptions
{
    public const string Section = "Connections";

    /// <summary>
    /// Off in real deployments. On (the demo, the tests), a connection's api_base_url may be any http(s) URL, the
    /// simulator's stand-in APIs on 127.0.0.1 included, and the server connects to private and loopback addresses.
    /// </summary>
    public bool AllowStandInHosts { get; set; }

    /// <summary>Extra base URLs an operator allows besides the platforms' own (e.g. a proxy), matched on scheme, host and port.</summary>
    public List<string> AllowedBaseUrls { get; set; } = [];
}

/// <summary>
/// Where the server may call on a tenant's behalf. A tenant admin sets a connection's api_base_url, so without a rule
/// they could make the server call anything it can reach (its cloud's metadata service, the database, internal
/// admin pages). The rule: https to the platform's own hosts — a shop's <c>*.myshopify.com</c>, Meta's
/// <c>graph.facebook.com</c>, Google's <c>googleads.googleapis.com</c> — on port 443, no user info, no query;
/// anything else only when the operator allows it (<see cref="ConnectionOptions"/>). Checked twice: when the URL is
/// set (<see cref="Check"/>), and when the server connects (<see cref="CreateHandler"/>), against the addresses the
/// name resolves to then, so a name that later resolves to a private address (DNS rebinding) is refused too.
/// </summary>
public sealed partial class OutboundUrls(IOptions<ConnectionOptions> options)
{
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")]
    private static partial Regex MyShopify();

    public const string MetaHost = "graph.facebook.com";
    public const string GoogleHost = "googleads.googleapis.com";

    public bool StandInsAllowed => options.Value.AllowStandInHosts;

    /// <summary>The hosts a source's api_base_url may name, as a sentence.</summary>
    public static string AllowedHosts(string? source) => source switch
    {
        "shopify" => "https://{shop}.myshopify.com",
        "meta" => $"https://{MetaHost}",
        "google" => $"https://{GoogleHost}",
        _ => $"https://{{shop}}.myshopify.com (Shopify), https://{MetaHost} (Meta) or https://{GoogleHost} (Google)",
    };

    /// <summary>Null when the server may call <paramref name="url"/> for a connection of <paramref name="source"/> (null: any source); else why not.</summary>
    public string? Check(string? source, Uri url)
    {
        if (url.Scheme is not ("http" or "https")) return "must be an http(s) URL";
        if (options.Value.AllowStandInHosts || IsExtraAllowed(url)) return null;
        var allowed = $"only {AllowedHosts(source)} is allowed (an operator may allow other hosts with Connections:AllowedBaseUrls)";
        if (url.Scheme != "https") return $"must use https; {allowed}";
        if (url.UserInfo.Length > 0) return $"must not carry user info before the host; {allowed}";
        if (url.Query.Length > 0 || url.Fragment.Length > 0) return $"must not carry a query or fragment; give the base URL only: {allowed}";
        if (url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || IPAddress.TryParse(url.IdnHost, out _))
            return $"must name the platform's host, not an IP address; {allowed}";
        var host = url.IdnHost.TrimEnd('.').ToLowerInvariant();
        if (host == "localhost" || host.EndsWith(".localhost", StringComparison.Ordinal)) return $"must not point at this machine (localhost); {allowed}";
        if (!url.IsDefaultPort) return $"must use the default https port; {allowed}";
        var ok = source switch
        {
            "shopify" => MyShopify().IsMatch(host),
            "meta" => host == MetaHost,
            "google" => host == GoogleHost,
            _ => MyShopify().IsMatch(host) || host is MetaHost or GoogleHost,
        };
        return ok ? null : $"names the host {host}; {allowed}";
    }

    private bool IsExtraAllowed(Uri url) => options.Value.AllowedBaseUrls.Any(extra =>
        Uri.TryCreate(extra, UriKind.Absolute, out var e) && e.Scheme == url.Scheme && e.Port == url.Port &&
        string.Equals(e.IdnHost, url.IdnHost, StringComparison.OrdinalIgnoreCase) && url.UserInfo.Length == 0);

    private bool IsExtraAllowedHost(string host) => options.Value.AllowedBaseUrls.Any(extra =>
        Uri.TryCreate(extra, UriKind.Absolute, out var e) && string.Equals(e.IdnHost, host, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A handler for the server's platform requests whose connections go only to public addresses: the name is resolved
    /// once, every address it resolves to is checked, and the socket connects to exactly those (no second lookup).
    /// With stand-ins allowed, or for an operator's extra host, it connects anywhere.
    /// </summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false, // a redirect would be a second URL nobody checked
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            IPAddress[] addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            if (!options.Value.AllowStandInHosts && !IsExtraAllowedHost(host))
            {
                if (addresses.FirstOrDefault(a => Refusal(a) is not null) is { } refused)
                    throw new OutboundRefusedException($"GrowHalo refused to connect to {host}: it resolves to {refused}, {Refusal(refused)}. " +
                        "Platform requests only go to public addresses (operators of a demo or test set Connections:AllowStandInHosts).");
            }
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>Null for a public unicast address; else what kind of address it is.</summary>
    public static string? Refusal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                127 => "a loopback address",
                0 => "an unspecified address",
                10 => "a private address",
                169 when b[1] == 254 => "a link-local address (cloud metadata lives there)",
                172 when b[1] is >= 16 and <= 31 => "a private address",
                192 when b[1] == 168 => "a private address",
                100 when b[1] is >= 64 and <= 127 => "a shared (carrier-grade NAT) address",
                >= 224 and <= 239 => "a multicast address",
                >= 240 => "a reserved or broadcast address",
                _ => null,
            };
        }
        if (IPAddress.IPv6Loopback.Equals(address)) return "a loopback address";
        if (IPAddress.IPv6None.Equals(address) || IPAddress.IPv6Any.Equals(address)) return "an unspecified address";
        if (address.IsIPv6LinkLocal) return "a link-local address";
        if (address.IsIPv6Multicast) return "a multicast address";
        if (address.IsIPv6SiteLocal) return "a site-local address";
        var first = address.GetAddressBytes()[0];
        if ((first & 0xFE) == 0xFC) return "a private (unique local) address";
        return null;
    }
}
