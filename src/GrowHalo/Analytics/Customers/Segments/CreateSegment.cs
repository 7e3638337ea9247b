using GrowHalo.Analytics.Metrics;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Customers.Segments;

/// <summary>
/// POST /api/v1/segments (admin): a new segment, <c>{"name", "rules"}</c>; 201 with its member count now and its
/// Location. Bad rules are a 400 naming each rule's path; a name the tenant already uses is a 409. Nothing is stored then.
/// </summary>
public static class CreateSegment
{
    [WolverinePost("/api/v1/segments", OperationId = "CreateSegment"), RequireScope(Scopes.Admin), Tags("Segments")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<Results<Created<SegmentResponse>, ValidationProblem, ProblemHttpResult>> Post(SegmentBody body, RequestTenant tenant,
        TenantDatabases databases, TimeProvider clock, CancellationToken ct)
    {
        // A JSON null body reaches a Wolverine endpoint as null.
        if (body is null) return Problems.Invalid("No segment was created: the body is null.", new Dictionary<string, string[]> { ["body"] = ["Send a JSON object {\"name\", \"rules\"}."] });
        var errors = new Validation();
        var (name, _) = body.Read(errors);
        if (name is null) return errors.Problem();

        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        if (await SegmentStore.InsertAsync(db, name, body.Rules!.Value, clock.GetUtcNow(), ct) is not { } segment) return SegmentStore.NameTaken(name);
        var answer = (await SegmentStore.RespondAsync(db, [segment], tenant, clock, ct))[0];
        await db.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/segments/{segment.Id}", answer);
    }
}
