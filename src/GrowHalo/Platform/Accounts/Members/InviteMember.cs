using System.Security.Claims;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Platform.Accounts.Members;

/// <summary>
/// <c>POST /api/v1/tenant/members</c> {email, role} (owner/admin, or an admin key): a one-time invitation link for the
/// tenant, answered once (201 with token and invite_url; GrowHalo sends no e-mail, the inviter passes the link on).
/// Only an owner may invite an owner.
/// </summary>
public static class InviteMember
{
    public sealed record InviteMemberRequest(string? Email, string? Role);

    [WolverinePost("/api/v1/tenant/members", OperationId = "InviteMember"), RequireScope(Scopes.Admin), Tags("Members")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<Results<Created<CreatedInviteResponse>, ValidationProblem, ProblemHttpResult>> Post(InviteMemberRequest body, RequestTenant tenant,
        ClaimsPrincipal caller, InviteStore invites, NpgsqlDataSource dataSource, HttpResponse response, CancellationToken ct)
    {
        if (body is null) return Problems.Invalid("Nobody was invited: the body is null.", new Dictionary<string, string[]> { ["body"] = ["Send a JSON object."] });
        var errors = new Dictionary<string, string[]>();
        var (email, emailError) = EmailAddress.Validate(body.Email);
        if (email is null) errors["email"] = [emailError];
        var role = (body.Role ?? "").Trim().ToLowerInvariant();
        if (!Roles.All.Contains(role)) errors["role"] = [$"Role '{body.Role}' is not one of {string.Join(", ", Roles.All)}. An analyst only reads; an admin also changes settings, connections and segments."];
        if (errors.Count > 0) return Problems.Invalid("Nobody was invited: " + string.Join(" ", errors.Values.SelectMany(v => v)), errors);
        if (role == Roles.Owner && caller.FindFirst(UserAuthentication.RoleClaim)?.Value != Roles.Owner)
            return TypedResults.Problem("Only an owner of the brand may invite another owner. Invite them as admin, or ask an owner.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

        await using (var db = await TenantDb.BeginAsync(dataSource, tenant.Id, ct))
        {
            await using var cmd = db.Command("select exists (select 1 from memberships m join users u on u.id = m.user_id where m.tenant_id = $1 and u.email = $2)", tenant.Id, email);
            if ((bool)(await cmd.ExecuteScalarAsync(ct))!)
                return TypedResults.Problem("This person is a member of the brand already. Change nothing, or remove them first.", statusCode: StatusCodes.Status409Conflict, title: "Conflict");
        }
        var (invite, token) = await invites.CreateAsync(tenant.Id, email!, role, caller.UserId(), ct);
        response.Headers.CacheControl = "no-store"; // the body holds a one-time token
        return TypedResults.Created("/api/v1/tenant/members", new CreatedInviteResponse(invite.Id, invite.Email, invite.Role, invite.CreatedAt, invite.ExpiresAt,
            token, $"/dashboard?invite={token}"));
    }
}
