using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GrowHalo.Tests.Platform.Tenancy;

namespace GrowHalo.Tests.Platform.Accounts;

/// <summary>Roles per tenant: invitations by one-time link, members listed and removed, switching tenants.</summary>
public sealed class MembersTests(AccountsApp app) : IClassFixture<AccountsApp>
{
    private static async Task<JsonElement> InviteAsync(Person by, string email, string role, HttpStatusCode status = HttpStatusCode.Created)
    {
        var response = await by.PostAsync("/api/v1/tenant/members", new { email, role });
        Assert.Equal(status, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A new person who joins <paramref name="owner"/>'s store by accepting an invitation with a password.</summary>
    private async Task<(Person Person, string Email)> JoinAsync(Person owner, string role)
    {
        var email = AccountsApp.NewEmail(role);
        var invite = await InviteAsync(owner, email, role);
        var person = app.Browser();
        var accepted = await person.PostAsync($"/api/auth/invites/{invite.Str("token")}/accept", new { password = AccountsApp.Password });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        return (person, email);
    }

    [Fact]
    public async Task an_invited_person_signs_up_through_the_link_once_and_is_listed_with_their_role()
    {
        var (owner, ownerEmail, account) = await app.SignUpAsync("Team Store");
        var email = AccountsApp.NewEmail("analyst");
        var invite = await InviteAsync(owner, email.ToUpperInvariant(), "Analyst");
        Assert.Equal(email, invite.Str("email"));
        Assert.Equal("analyst", invite.Str("role"));
        Assert.Equal($"/dashboard?invite={invite.Str("token")}", invite.Str("invite_url"));

        var listed = await owner.JsonAsync("/api/v1/tenant/members");
        Assert.Equal([ownerEmail], listed.GetProperty("members").EnumerateArray().Select(m => m.Str("email")));
        Assert.Equal(email, Assert.Single(listed.GetProperty("invites").EnumerateArray()).Str("email"));

        var analyst = app.Browser();
        var accepted = await analyst.PostAsync($"/api/auth/invites/{invite.Str("token")}/accept", new { password = AccountsApp.Password });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var joined = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(account.GetProperty("current_tenant").Str("id"), joined.GetProperty("current_tenant").Str("id"));
        Assert.Equal("analyst", joined.GetProperty("current_tenant").Str("role"));

        listed = await owner.JsonAsync("/api/v1/tenant/members");
        Assert.Equal([(ownerEmail, "owner"), (email, "analyst")], listed.GetProperty("members").EnumerateArray().Select(m => (m.Str("email"), m.Str("role"))));
        Assert.Empty(listed.GetProperty("invites").EnumerateArray());
        var again = await app.Browser().PostAsync($"/api/auth/invites/{invite.Str("token")}/accept", new { password = AccountsApp.Password });
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Contains("used already", (await again.Content.ReadFromJsonAsync<JsonElement>()).Str("detail"));
    }

    [Fact]
    public async Task an_analyst_reads_but_may_not_change_anything()
    {
        var (owner, _, _) = await app.SignUpAsync("Read Only Store");
        var (analyst, _) = await JoinAsync(owner, "analyst");

        Assert.Equal("Read Only Store", (await analyst.JsonAsync("/api/v1/tenant")).Str("name"));
        var session = await analyst.JsonAsync("/dashboard/session");
        Assert.False(session.GetProperty("can_write").GetBoolean());
        Assert.Equal(["read"], session.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        foreach (var (method, url, body) in new (string, string, object?)[]
                 {
                     ("POST", "/api/v1/keys", new { scopes = new[] { "read" } }),
                     ("POST", "/api/v1/segments", new { name = "x", rules = new { all = Array.Empty<object>() } }),
                     ("POST", "/api/v1/tenant/members", new { email = "someone@example.com", role = "analyst" }),
                 })
        {
            var response = await analyst.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(body) });
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("'analyst'", (await response.Content.ReadFromJsonAsync<JsonElement>()).Str("detail"));
        }
        var patch = await analyst.Http.PatchAsJsonAsync("/api/v1/tenant", new { name = "Hijacked" });
        Assert.Equal(HttpStatusCode.Forbidden, patch.StatusCode);
    }

    [Fact]
    public async Task a_member_of_two_stores_accepts_while_signed_in_and_switches_between_them()
    {
        var (ann, annEmail, annAccount) = await app.SignUpAsync("Ann's Store");
        var (bob, _, bobAccount) = await app.SignUpAsync("Bob's Store");
        var invite = await InviteAsync(bob, annEmail, "admin");

        var accepted = await ann.PostAsync($"/api/auth/invites/{invite.Str("token")}/accept");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var me = await ann.JsonAsync("/api/auth/me");
        var bobStore = bobAccount.GetProperty("current_tenant").Str("id");
        var annStore = annAccount.GetProperty("current_tenant").Str("id");
        Assert.Equal(bobStore, me.GetProperty("current_tenant").Str("id"));
        Assert.Equal([(annStore, "owner"), (bobStore, "admin")], me.GetProperty("tenants").EnumerateArray().Select(t => (t.Str("id"), t.Str("role"))));
        Assert.Equal("Bob's Store", (await ann.JsonAsync("/api/v1/tenant")).Str("name"));

        var switched = await ann.PostAsync("/api/auth/tenant", new { tenant_id = annStore });
        Assert.Equal(HttpStatusCode.OK, switched.StatusCode);
        Assert.Equal("owner", (await switched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("current_tenant").Str("role"));
        Assert.Equal("Ann's Store", (await ann.JsonAsync("/api/v1/tenant")).Str("name"));

        var (carol, _, carolAccount) = await app.SignUpAsync("Carol's Store");
        var foreign = await ann.PostAsync("/api/auth/tenant", new { tenant_id = carolAccount.GetProperty("current_tenant").Str("id") });
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal("Ann's Store", (await ann.JsonAsync("/api/v1/tenant")).Str("name"));
        Assert.Equal(HttpStatusCode.BadRequest, (await ann.PostAsync("/api/auth/tenant", new { })).StatusCode);
        _ = carol;
    }

    [Fact]
    public async Task an_invitation_for_an_existing_account_needs_its_password_when_not_signed_in()
    {
        var (_, email, _) = await app.SignUpAsync("Existing Account");
        var (owner, _, _) = await app.SignUpAsync("Inviting Store");
        var invite = await InviteAsync(owner, email, "analyst");
        var stranger = app.Browser();
        var wrong = await stranger.PostAsync($"/api/auth/invites/{invite.Str("token")}/accept", new { password = "somebody else's guess" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var none = await stranger.PostAsync($"/api/auth/invites/{invite.Str("token")}/accept");
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        var right = await stranger.PostAsync($"/api/auth/invites/{invite.Str("token")}/accept", new { password = AccountsApp.Password });
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("Inviting Store", (await stranger.JsonAsync("/api/v1/tenant")).Str("name"));
    }

    [Fact]
    public async Task an_invitation_asks_for_a_known_role_and_a_person_not_yet_a_member()
    {
        var (owner, ownerEmail, _) = await app.SignUpAsync("Strict Store");
        var bad = await InviteAsync(owner, "not-an-email", "boss", HttpStatusCode.BadRequest);
        Assert.Equal(["email", "role"], bad.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        var member = await InviteAsync(owner, ownerEmail, "admin", HttpStatusCode.Conflict);
        Assert.Contains("member of the brand already", member.Str("detail"));
        var unknown = await app.Browser().PostAsync("/api/auth/invites/not-a-real-token/accept", new { password = AccountsApp.Password });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task the_last_owner_stays_only_owners_remove_owners_and_a_removed_member_loses_the_store_at_once()
    {
        var (owner, _, account) = await app.SignUpAsync("Removal Store");
        var members = await owner.JsonAsync("/api/v1/tenant/members");
        var ownerId = Assert.Single(members.GetProperty("members").EnumerateArray()).Str("user_id");

        var last = await owner.DeleteAsync($"/api/v1/tenant/members/{ownerId}");
        Assert.Equal(HttpStatusCode.Conflict, last.StatusCode);
        Assert.Contains("last owner", (await last.Content.ReadFromJsonAsync<JsonElement>()).Str("detail"));

        var (admin, _) = await JoinAsync(owner, "admin");
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.DeleteAsync($"/api/v1/tenant/members/{ownerId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostAsync("/api/v1/tenant/members", new { email = AccountsApp.NewEmail(), role = "owner" })).StatusCode);

        var (analyst, _) = await JoinAsync(owner, "analyst");
        var analystId = (await owner.JsonAsync("/api/v1/tenant/members")).GetProperty("members").EnumerateArray().Last().Str("user_id");
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync("/api/v1/tenant")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/tenant/members/{analystId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync("/api/v1/tenant")).StatusCode);
        var me = await analyst.JsonAsync("/api/auth/me");
        Assert.Equal(JsonValueKind.Null, me.GetProperty("current_tenant").ValueKind);
        Assert.Empty(me.GetProperty("tenants").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await owner.DeleteAsync($"/api/v1/tenant/members/{analystId}")).StatusCode);

        // Another store's member is not this store's to remove.
        var (_, _, other) = await app.SignUpAsync("Other Removal Store");
        var otherOwner = (await app.Service<GrowHalo.Platform.Accounts.UserStore>().FindByEmailAsync(other.GetProperty("user").Str("email"), default))!.Id;
        Assert.Equal(HttpStatusCode.NotFound, (await owner.DeleteAsync($"/api/v1/tenant/members/{otherOwner}")).StatusCode);
        _ = account;
    }

    [Fact]
    public async Task an_admin_api_key_manages_members_too()
    {
        var brand = await app.CreateTenantAsync("Keyed Store");
        var invite = await brand.Scenario(s =>
        {
            s.Post.Json(new { email = AccountsApp.NewEmail("keyed"), role = "admin" }).ToUrl("/api/v1/tenant/members");
            s.StatusCodeShouldBe(HttpStatusCode.Created);
        }).JsonAsync();
        var person = app.Browser();
        Assert.Equal(HttpStatusCode.OK, (await person.PostAsync($"/api/auth/invites/{invite.Str("token")}/accept", new { password = AccountsApp.Password })).StatusCode);
        Assert.Equal(brand.Id, (await person.JsonAsync("/api/v1/tenant")).Str("id"));
    }
}
