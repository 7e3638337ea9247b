using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Customers.Segments;

/// <summary>DELETE /api/v1/segments/{id} (admin): removes the segment; 204, then 404 for that id.</summary>
public static class DeleteSegment
{
    [WolverineDelete("/api/v1/segments/{id:guid}", OperationId = "DeleteSegment"), RequireScope(Scopes.Admin), Tags("Segments")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, RequestTenant tenant, TenantDatabases databases, CancellationToken ct)
    {
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        if (!await SegmentStore.DeleteAsync(db, id, ct)) return SegmentStore.NotFound(id);
        await db.CommitAsync(ct);
        return TypedResults.NoContent();
    }
}
