using GrowHalo.Tests.Ingestion;
using Microsoft.AspNetCore.Hosting;

namespace GrowHalo.Tests.Platform.Security;

/// <summary>
/// GrowHalo configured as a real deployment: connections may not point at stand-ins (the other fixtures allow them),
/// one extra base URL allowed by the operator, CORS allowed for one origin, and a small API-key guessing limit.
/// </summary>
public sealed class SecurityApp : IngestionApp
{
    public const string ExtraBaseUrl = "https://shopify-proxy.example.com";
    public const string AllowedOrigin = "https://admin.example.com";
    public const int KeyFailureLimit = 5;

    protected override bool AllowStandInHosts => false;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Polling:Enabled", "false");
        builder.UseSetting("Polling:MaxAttempts", "1");
        builder.UseSetting("Connections:AllowedBaseUrls:0", ExtraBaseUrl);
        builder.UseSetting("Cors:AllowedOrigins:0", AllowedOrigin);
        builder.UseSetting("ApiKeys:MaxFailuresPerAddress", KeyFailureLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>The security tests share one host configured as a real deployment.</summary>
[CollectionDefinition(Name)]
public sealed class SecurityCollection : ICollectionFixture<SecurityApp>
{
    public const string Name = "security";
}
