namespace GrowHalo.Platform.Accounts.Members;

public sealed record MemberResponse(Guid UserId, string Email, string Role, DateTimeOffset JoinedAt);

public sealed record InviteResponse(Guid Id, string Email, string Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt)
{
    public static InviteResponse From(Invite i) => new(i.Id, i.Email, i.Role, i.CreatedAt, i.ExpiresAt);
}

/// <summary>A new invitation with its one-time token and link, shown this once.</summary>
public sealed record CreatedInviteResponse(Guid Id, string Email, string Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string Token, string InviteUrl);

public sealed record MembersResponse(IReadOnlyList<MemberResponse> Members, IReadOnlyList<InviteResponse> Invites);
