using GrowHalo.Analytics.Metrics;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Customers.Segments;

/// <summary>
/// PUT /api/v1/segments/{id} (admin): replaces the segment's name and rules (both required, checked as on create);
/// its members follow the new rules from the next ask.
/// </summary>
public static class UpdateSegment
{
    [WolverinePut("/api/v1/segments/{id:guid}", OperationId = "UpdateSegment"), RequireScope(Scopes.Admin), Tags("Segments")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<Results<Ok<SegmentResponse>, ValidationProblem, ProblemHttpResult>> Put(Guid id, SegmentBody body, RequestTenant tenant,
        TenantDatabases databases, TimeProvider clock, CancellationToken ct)
    {
        if (body is null) return Problems.Invalid("The segment was not changed: the body is null.", new Dictionary<string, string[]> { ["body"] = ["Send a JSON object {\"name\", \"rules\"}."] });
        var errors = new Validation();
        var (name, _) = body.Read(errors);
        if (name is null) return errors.Problem();

        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        var (segment, outcome) = await SegmentStore.UpdateAsync(db, id, name, body.Rules!.Value, clock.GetUtcNow(), ct);
        switch (outcome)
        {
            case SegmentStore.Update.Missing: return SegmentStore.NotFound(id);
            case SegmentStore.Update.NameTaken: return SegmentStore.NameTaken(name);
        }
        var answer = (await SegmentStore.RespondAsync(db, [segment!], tenant, clock, ct))[0];
        await db.CommitAsync(ct);
        return TypedResults.Ok(answer);
    }
}
