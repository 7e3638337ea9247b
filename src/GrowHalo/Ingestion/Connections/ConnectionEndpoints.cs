using GrowHalo.Ingestion.Http;
using GrowHalo.Platform.Tenancy;

namespace GrowHalo.Ingestion.Connections;

/// <summary>GET/POST /api/v1/ingest/connections and PATCH …/{id}: list (read), create and update (admin).</summary>
internal static class ConnectionEndpoints
{
    public static void MapConnections(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/ingest/connections", List).RequireScope(Scopes.Read);
        app.MapPost("/api/v1/ingest/connections", Create).RequireScope(Scopes.Admin);
        app.MapPatch("/api/v1/ingest/connections/{id}", Update).RequireScope(Scopes.Admin);
    }

    private static async Task<IResult> List(RequestTenant tenant, ConnectionStore store, CancellationToken ct) =>
        TypedResults.Ok(new { data = await store.ListAsync(tenant.Id, ct) });

    private static async Task<IResult> Create(HttpContext context, RequestTenant tenant, ConnectionStore store, CancellationToken ct)
    {
        var body = await ReadAsync(context, ct);
        if (body.Problem is not null) return body.Problem;
        using var doc = body.Value!;
        var (settings, errors) = ConnectionRequests.ParseCreate(doc.RootElement);
        if (settings is null) return IngestProblems.Invalid($"The connection cannot be created: {IngestProblems.Describe(errors)}.", errors);
        try
        {
            var created = await store.CreateAsync(tenant.Id, settings, ct);
            return TypedResults.Created($"/api/v1/ingest/connections/{created.Id}", created);
        }
        catch (ConnectionConflictException e)
        {
            return IngestProblems.Conflict(e.Message);
        }
    }

    private static async Task<IResult> Update(string id, HttpContext context, RequestTenant tenant, ConnectionStore store, CancellationToken ct)
    {
        var body = await ReadAsync(context, ct);
        if (body.Problem is not null) return body.Problem;
        using var doc = body.Value!;
        var (patch, errors) = ConnectionRequests.ParsePatch(doc.RootElement);
        if (patch is null) return IngestProblems.Invalid($"The connection cannot be updated: {IngestProblems.Describe(errors)}.", errors);
        try
        {
            return await store.UpdateAsync(tenant.Id, id, patch, ct) is { } updated
                ? TypedResults.Ok(updated)
                : IngestProblems.NotFound($"There is no connection '{id}' in this workspace. List them with GET /api/v1/ingest/connections.");
        }
        catch (ConnectionConflictException e)
        {
            return IngestProblems.Conflict(e.Message);
        }
    }

    private static async Task<Attempt<System.Text.Json.JsonDocument>> ReadAsync(HttpContext context, CancellationToken ct)
    {
        if (JsonBody.CheckContentType(context.Request) is { } wrongType) return Attempt<System.Text.Json.JsonDocument>.Fail(wrongType);
        var bytes = await JsonBody.ReadAsync(context, 64 * 1024, ct);
        return bytes.Problem is not null ? Attempt<System.Text.Json.JsonDocument>.Fail(bytes.Problem) : JsonBody.Parse(bytes.Value);
    }
}
