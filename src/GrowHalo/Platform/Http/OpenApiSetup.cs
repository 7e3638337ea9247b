using GrowHalo.Ingestion.Adapters;
using GrowHalo.Ingestion.Webhooks;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Platform.Tenancy.Operator;
using Microsoft.OpenApi;

namespace GrowHalo.Platform.Http;

/// <summary>
/// The OpenAPI document at /openapi/v1.json: every Wolverine endpoint with the status codes and schemas its typed
/// results declare, and how each proves who calls it — an <c>x-api-key</c> (with the scopes it needs), the operator's
/// token, a platform's webhook signature (or an ingest key instead), or the dashboard's session cookie for reads.
/// </summary>
public static class OpenApiSetup
{
    public const string ApiKey = "ApiKey";
    public const string OperatorToken = "OperatorToken";
    public const string DashboardSession = "DashboardSession";
    public const string UserSession = "UserSession";

    public static IServiceCollection AddGrowHaloOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "GrowHalo API";
            document.Info.Description = "Revenue, ad spend and customer analytics for direct-to-consumer brands. Errors are RFC 7807 problem details.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKey] = Header(ApiKeyAuthentication.Header,
                "A tenant's API key (ghk_…). Keys carry scopes: read, ingest, admin; an endpoint names the one it needs.");
            document.Components.SecuritySchemes[DashboardSession] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Cookie, Name = Dashboard.Sessions.SessionCookie.Name,
                Description = "The dashboard's session cookie (POST /dashboard/sign-in): read scope only.",
            };
            document.Components.SecuritySchemes[UserSession] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Cookie, Name = Accounts.UserAuthentication.CookieName,
                Description = "A person's session cookie (POST /api/auth/login or /api/auth/signup). Its scopes come from the role: owner and admin read, ingest, admin; analyst read.",
            };
            document.Components.SecuritySchemes[OperatorToken] = Header(OperatorAuthentication.Header,
                "The operator's token (configuration Admin:OperatorToken), for creating tenants.");
            foreach (var source in Sources.All)
            {
                var scheme = WebhookScheme.For(source);
                document.Components.SecuritySchemes[SignatureScheme(source)] = Header(scheme.SignatureHeader,
                    $"A {source} webhook's signature: {scheme.Format}, with the connection's webhook secret.");
            }
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, ct) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<DocumentedBody>().FirstOrDefault() is { } body)
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(body.Type, null, ct) },
                    },
                };
            // A second media type for a status the typed result already describes (one response per status code).
            foreach (var also in metadata.OfType<AlsoAnswers>())
                if (operation.Responses?.TryGetValue(also.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) == true)
                    response.Content?.TryAdd(also.ContentType, new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
            var route = "/" + context.Description.RelativePath?.TrimStart('/');
            List<OpenApiSecurityRequirement> security = [];
            if (metadata.OfType<RequiredScope>().FirstOrDefault() is { } scope)
            {
                security.Add(Requirement(context.Document, ApiKey, scope.AnyOf));
                security.Add(Requirement(context.Document, UserSession, scope.AnyOf));
                if (scope.AnyOf.Contains(Scopes.Read)) security.Add(Requirement(context.Document, DashboardSession, [Scopes.Read]));
            }
            else if (metadata.OfType<Accounts.RequiresUser>().Any())
                security.Add(Requirement(context.Document, UserSession, []));
            else if (metadata.OfType<Microsoft.AspNetCore.Authorization.AuthorizationPolicy>()
                     .Any(p => p.AuthenticationSchemes.Contains(OperatorAuthentication.SchemeName)))
                security.Add(Requirement(context.Document, OperatorToken, []));
            else if (route.StartsWith("/api/v1/ingest/webhook/", StringComparison.Ordinal))
            {
                foreach (var source in Sources.All) security.Add(Requirement(context.Document, SignatureScheme(source), []));
                security.Add(Requirement(context.Document, ApiKey, [Scopes.Ingest]));
            }
            if (security.Count > 0) operation.Security = security;
        });
    });

    private static string SignatureScheme(string source) => $"{char.ToUpperInvariant(source[0])}{source[1..]}WebhookSignature";

    private static OpenApiSecurityScheme Header(string name, string description) =>
        new() { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = name, Description = description };

    private static OpenApiSecurityRequirement Requirement(OpenApiDocument? document, string scheme, IEnumerable<string> scopes) =>
        new() { [new OpenApiSecuritySchemeReference(scheme, document)] = scopes.ToList() };
}

/// <summary>
/// Endpoint metadata: besides its JSON, the endpoint answers <paramref name="Status"/> as <paramref name="ContentType"/>
/// text when the client asks for it (Accept), e.g. CSV.
/// </summary>
public sealed record AlsoAnswers(int Status, string ContentType);
