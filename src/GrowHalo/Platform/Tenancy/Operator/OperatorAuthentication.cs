using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using GrowHalo.Platform.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace GrowHalo.Platform.Tenancy.Operator;

/// <summary>
/// The operator of a GrowHalo installation (not a tenant) proves itself with <c>x-operator-token</c>, the token
/// configured as GROWHALO_OPERATOR_TOKEN or Admin:OperatorToken, compared in constant time. With no token configured,
/// operator endpoints answer 404 as if they did not exist.
/// </summary>
public sealed class OperatorAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IConfiguration configuration)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Operator";
    public const string Header = "x-operator-token";
    public const string OperatorClaim = "growhalo:operator";

    private string? Configured =>
        new[] { configuration["Admin:OperatorToken"], configuration["GROWHALO_OPERATOR_TOKEN"] }.FirstOrDefault(t => !string.IsNullOrEmpty(t));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var configured = Configured;
        var presented = Request.Headers[Header].ToString();
        if (configured is null || presented.Length == 0) return Task.FromResult(AuthenticateResult.NoResult());
        // Hashing first makes the comparison constant-time whatever the lengths.
        var matches = CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(configured)));
        return Task.FromResult(matches
            ? AuthenticateResult.Success(new AuthenticationTicket(
                new ClaimsPrincipal(new ClaimsIdentity([new Claim(OperatorClaim, "true")], SchemeName)), SchemeName))
            : AuthenticateResult.Fail("The operator token does not match."));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Configured is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound; // the same empty 404 as an unknown route
            return Task.CompletedTask;
        }
        var sent = Request.Headers[Header].ToString().Length > 0;
        return Problems.Write(Context, StatusCodes.Status401Unauthorized, "Unauthorized", sent
            ? "The x-operator-token header does not match the operator token this server is configured with (GROWHALO_OPERATOR_TOKEN or Admin:OperatorToken)."
            : "This is an operator endpoint: send the operator token (GROWHALO_OPERATOR_TOKEN or Admin:OperatorToken) in the x-operator-token header. API keys are not accepted here.");
    }
}

public static class OperatorEndpointExtensions
{
    /// <summary>Requires the operator token instead of an API key.</summary>
    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy => policy
            .AddAuthenticationSchemes(OperatorAuthentication.SchemeName)
            .RequireClaim(OperatorAuthentication.OperatorClaim));
}

/// <summary>
/// The endpoint needs the operator token instead of an API key (<see cref="OperatorEndpointExtensions.RequireOperator{TBuilder}"/>):
/// 401 without it or with a wrong one, an empty 404 when the server has no operator token configured.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequireOperatorAttribute : ModifyHttpChainAttribute
{
    public override void Modify(HttpChain chain, JasperFx.CodeGeneration.GenerationRules rules)
    {
        chain.Metadata.RequireOperator()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }
}
