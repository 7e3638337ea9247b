using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace GrowHalo.Ingestion.Connections;

/// <summary>GET /api/v1/ingest/connections (read): the workspace's connections, secrets shown only as set or not.</summary>
public static class ListConnectionsEndpoint
{
    [WolverineGet("/api/v1/ingest/connections", OperationId = "ListConnections"), RequireScope(Scopes.Read)]
    public static async Task<Ok<ConnectionList>> List(RequestTenant tenant, ConnectionStore store, CancellationToken ct) =>
        TypedResults.Ok(new ConnectionList(await store.ListAsync(tenant.Id, ct)));
}
