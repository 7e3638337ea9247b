using System.Net;
using System.Text.Json.Nodes;
using GrowHalo.Tests.Infrastructure;
using static GrowHalo.Tests.Ingestion.IngestionApp;

namespace GrowHalo.Tests.Ingestion.Webhooks;

[Collection(IngestionCollection.Name)]
public sealed class AdWebhookTests(IngestionApp app)
{
    private async Task<(TenantClient Tenant, string Account)> ConnectAsync(string source, string secret)
    {
        var tenant = await app.CreateTenantAsync();
        var account = Unique.Digits();
        await app.ConnectAsync(tenant, source, source == "meta" ? $"act_{account}" : account, secret);
        return (tenant, account);
    }

    [Fact]
    public async Task a_signed_meta_insights_page_is_found_by_its_ad_account_and_stored_one_event_per_row()
    {
        var (tenant, account) = await ConnectAsync("meta", "meta-app-secret");
        var body = Samples.MetaEnvelope(Samples.MetaRow("m1", accountId: account), Samples.MetaRow("m2", accountId: account)).ToJsonString();
        var response = await app.SendAsync(MetaWebhook(body, "meta-app-secret"), HttpStatusCode.Created);

        Assert.Equal(2, (await JsonOf(response)).GetProperty("accepted").GetInt32());
        Assert.Equal(1, await app.EventsAsync(tenant.Id, "meta:campaign:m1"));
        Assert.Equal(1, await app.EventsAsync(tenant.Id, "meta:campaign:m2"));
    }

    [Fact]
    public async Task a_restated_meta_row_is_a_new_event_and_a_repeated_one_a_200()
    {
        var (tenant, account) = await ConnectAsync("meta", "meta-secret-2");
        string Row(string spend) => Samples.MetaRow("m9", spend: spend, accountId: $"act_{account}").ToJsonString();
        await app.SendAsync(MetaWebhook(Row("10.00"), "meta-secret-2"), HttpStatusCode.Created);
        await app.SendAsync(MetaWebhook(Row("10.00"), "meta-secret-2"), HttpStatusCode.OK); // repeated
        await app.SendAsync(MetaWebhook(Row("14.25"), "meta-secret-2"), HttpStatusCode.Created); // restated
        Assert.Equal(2, await app.EventsAsync(tenant.Id, "meta:campaign:m9"));
    }

    [Fact]
    public async Task meta_webhooks_with_a_bad_signature_or_rows_of_several_accounts_are_refused()
    {
        var (tenant, account) = await ConnectAsync("meta", "meta-secret-3");
        var body = Samples.MetaRow("m1", accountId: account).ToJsonString();
        await ProblemOf(await app.SendAsync(MetaWebhook(body, "not-the-secret"), HttpStatusCode.Unauthorized));
        await ProblemOf(await app.SendAsync(MetaWebhook(body, secret: null), HttpStatusCode.Unauthorized));
        var mixed = Samples.MetaEnvelope(Samples.MetaRow("m1", accountId: account), Samples.MetaRow("m2", accountId: "999")).ToJsonString();
        var problem = await ProblemOf(await app.SendAsync(MetaWebhook(mixed, "meta-secret-3"), HttpStatusCode.BadRequest));
        Assert.Contains("several ad accounts", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task a_signed_google_search_stream_answer_is_stored_for_the_account_in_our_header()
    {
        var (tenant, account) = await ConnectAsync("google", "google-secret");
        var body = Samples.SearchStream(Samples.GoogleResult("g1", customerId: account), Samples.GoogleResult("g2", customerId: account)).ToJsonString();
        var dashed = $"{account[..3]}-{account[3..6]}-{account[6..]}";
        await app.SendAsync(GoogleWebhook(dashed, body, "google-secret"), HttpStatusCode.Created);

        Assert.Equal(1, await app.EventsAsync(tenant.Id, "google:campaign:g1"));
        Assert.Equal(1, await app.EventsAsync(tenant.Id, "google:campaign:g2"));
    }

    [Fact]
    public async Task google_webhooks_with_a_bad_signature_no_account_or_another_accounts_rows_are_refused()
    {
        var (tenant, account) = await ConnectAsync("google", "google-secret-2");
        var body = Samples.SearchStream(Samples.GoogleResult("g1", customerId: account)).ToJsonString();
        await ProblemOf(await app.SendAsync(GoogleWebhook(account, body, "wrong"), HttpStatusCode.Unauthorized));
        var noAccount = GoogleWebhook(account, body, "google-secret-2").WithoutHeader("X-GrowHalo-Account");
        await ProblemOf(await app.SendAsync(noAccount, HttpStatusCode.Unauthorized));
        var foreign = Samples.SearchStream(Samples.GoogleResult("g1", customerId: "5550001111")).ToJsonString();
        var problem = await ProblemOf(await app.SendAsync(GoogleWebhook(account, foreign, "google-secret-2"), HttpStatusCode.BadRequest));
        Assert.Contains("5550001111", ErrorFor(problem, "[0].results[0].customer.id"));
        Assert.Equal(0, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task a_google_answer_whose_results_are_not_a_list_is_refused_naming_results_even_behind_a_valid_twin_key()
    {
        var (tenant, account) = await ConnectAsync("google", "google-secret-3");
        var valid = new JsonObject { ["results"] = new JsonArray(Samples.GoogleResult("g1", customerId: account)) }.ToJsonString();
        foreach (var body in new[] { """{"results":"not rows"}""", valid[..^1] + ""","results":"not rows"}""" }) // JSON readers keep the last twin
        {
            var problem = await ProblemOf(await app.SendAsync(GoogleWebhook(account, body, "google-secret-3"), HttpStatusCode.BadRequest));
            Assert.Equal("must be an array of the platform's rows, not a string", ErrorFor(problem, "results"));
        }
        Assert.Equal(0, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task a_google_row_sent_with_an_api_key_lands_in_the_keys_tenant()
    {
        var tenant = await app.CreateTenantAsync(scopes: "ingest");
        var request = GoogleWebhook(Unique.Digits(), Samples.GoogleFlat("g7").ToJsonString(), secret: null).WithHeader("x-api-key", tenant.ApiKey);
        await app.SendAsync(request, HttpStatusCode.Created);
        Assert.Equal(1, await app.EventsAsync(tenant.Id, "google:campaign:g7"));
    }
}
