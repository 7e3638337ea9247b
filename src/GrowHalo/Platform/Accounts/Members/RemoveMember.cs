using System.Security.Claims;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Platform.Accounts.Members;

/// <summary>
/// <c>DELETE /api/v1/tenant/members/{user_id}</c> (owner/admin): removes a member; their sessions lose the tenant at
/// once. Only an owner removes an owner, and the last owner stays (409): a brand always has someone who can manage it.
/// </summary>
public static class RemoveMember
{
    [WolverineDelete("/api/v1/tenant/members/{userId:guid}", OperationId = "RemoveMember"), RequireScope(Scopes.Admin), Tags("Members")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid userId, RequestTenant tenant, ClaimsPrincipal caller,
        NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var db = await TenantDb.BeginAsync(dataSource, tenant.Id, ct);
        // The owners' rows are locked, so two owners removing each other at once cannot leave none.
        var owners = new List<Guid>();
        await using (var cmd = db.Command("select user_id from memberships where tenant_id = $1 and role = 'owner' for update", tenant.Id))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) owners.Add(r.GetGuid(0));
        string? role;
        await using (var cmd = db.Command("select role from memberships where tenant_id = $1 and user_id = $2", tenant.Id, userId))
            role = await cmd.ExecuteScalarAsync(ct) as string;
        if (role is null) return Problems.NotFound($"No member of this brand has the user id {userId}. GET /api/v1/tenant/members lists them.");
        if (role == Roles.Owner)
        {
            if (caller.FindFirst(UserAuthentication.RoleClaim)?.Value != Roles.Owner)
                return TypedResults.Problem("Only an owner may remove an owner.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
            if (owners.Count <= 1)
                return TypedResults.Problem("This is the brand's last owner and cannot be removed. Invite another owner first, then remove this one.",
                    statusCode: StatusCodes.Status409Conflict, title: "Conflict");
        }
        await using (var cmd = db.Command("delete from memberships where tenant_id = $1 and user_id = $2", tenant.Id, userId))
            await cmd.ExecuteNonQueryAsync(ct);
        await db.CommitAsync(ct);
        return TypedResults.NoContent();
    }
}
