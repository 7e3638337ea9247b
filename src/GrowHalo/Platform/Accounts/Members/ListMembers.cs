using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Platform.Accounts.Members;

/// <summary><c>GET /api/v1/tenant/members</c> (admin): the tenant's members with their roles, and invitations not yet accepted.</summary>
public static class ListMembers
{
    [WolverineGet("/api/v1/tenant/members", OperationId = "ListMembers"), RequireScope(Scopes.Admin), Tags("Members")]
    public static async Task<Ok<MembersResponse>> Get(RequestTenant tenant, InviteStore invites, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var db = await TenantDb.BeginAsync(dataSource, tenant.Id, ct);
        var members = new List<MemberResponse>();
        await using (var cmd = db.Command("""
            select m.user_id, u.email, m.role, m.created_at from memberships m join users u on u.id = m.user_id
            where m.tenant_id = $1 order by m.created_at, u.email
            """, tenant.Id))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) members.Add(new MemberResponse(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3)));
        var open = await invites.ListOpenAsync(db, ct);
        return TypedResults.Ok(new MembersResponse(members, open.Select(InviteResponse.From).ToList()));
    }
}
