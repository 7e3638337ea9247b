using GrowHalo.Platform.Http;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Platform.Accounts;

/// <summary>
/// Entry point of accounts: people sign up and sign in with an e-mail and password (<see cref="Passwords"/>,
/// <see cref="LoginThrottle"/>), hold a revocable cookie session (<see cref="UserAuthentication"/>,
/// <see cref="UserSessionStore"/>) on one tenant at a time, and have a role in each tenant they belong to
/// (<see cref="Roles"/>: owner, admin, analyst) that maps onto the API-key scopes. Members are invited by a one-time link.
/// API keys stay, for machines.
/// </summary>
public static class AccountsModule
{
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddOptions<AccountOptions>().BindConfiguration("Accounts");
        services.AddSingleton<IPasswordHasher<Passwords.Account>, PasswordHasher<Passwords.Account>>();
        services.AddSingleton<Passwords>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<UserSessionStore>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<InviteStore>();
        services.AddSingleton<DemoUser>();
        services.AddDataProtection().SetApplicationName("GrowHalo");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new DataProtectionKeyStore(sp.GetRequiredService<NpgsqlDataSource>());
            o.XmlEncryptor = new SecretBoxXmlEncryptor(sp.GetRequiredService<Ingestion.Connections.SecretBox>());
        }));
        services.AddAuthentication().AddCookie(UserAuthentication.SchemeName, UserAuthentication.Configure);
        services.AddOptions<CookieAuthenticationOptions>(UserAuthentication.SchemeName)
            .Configure<TimeProvider, IOptions<AccountOptions>>((o, clock, accounts) =>
            {
                o.TimeProvider = clock;
                o.ExpireTimeSpan = accounts.Value.SessionLifetime;
            });
        return services;
    }

    /// <summary>The client's address for the login throttle (the connection's; put a proxy's forwarded-headers middleware in front if there is one).</summary>
    public static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}

/// <summary>The endpoint needs a signed-in user (the session cookie), not an API key: 401 problem without one.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequireUserAttribute : ModifyHttpChainAttribute
{
    public override void Modify(HttpChain chain, JasperFx.CodeGeneration.GenerationRules rules)
    {
        chain.Metadata.RequireAuthorization(policy => policy
                .AddAuthenticationSchemes(UserAuthentication.SchemeName)
                .RequireClaim(UserAuthentication.UserClaim))
            .WithMetadata(new RequiresUser())
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }
}
