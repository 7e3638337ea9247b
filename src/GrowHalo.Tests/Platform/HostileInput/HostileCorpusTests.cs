using System.Text;
using System.Text.Json;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Platform.HostileInput;

/// <summary>
/// The corpus: each hostile body the properties found a server error (or a crash) with, kept as a fixed case, with
/// the answer it must get now.
/// </summary>
public sealed class HostileCorpusTests(HostileApp app) : IClassFixture<HostileApp>
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private async Task<JsonElement> ProblemAsync(TenantClient tenant, string method, string url, byte[] body, int status, string? field,
        string contentType = "application/json")
    {
        var before = await app.SnapshotAsync(tenant.Id);
        var answer = await app.SendAsync(new HttpMethod(method), url, body, contentType, [new("x-api-key", tenant.ApiKey)]);
        Assert.True(answer.Status == status, $"{answer.Status}: {answer.Body}");
        Assert.Null(answer.ProblemFault());
        var problem = JsonDocument.Parse(answer.Body).RootElement;
        if (field is not null) Assert.Contains(field, problem.GetProperty("errors").ToString());
        Assert.Equal(before, await app.SnapshotAsync(tenant.Id));
        return problem;
    }

    [Fact]
    public async Task a_record_id_of_megabytes_does_not_overflow_the_stack()
    {
        var tenant = await app.CreateTenantAsync("Long ids");
        var id = new string('7', 2_000_000);
        var body = Bytes($$"""{"source": "shopify", "events": [{"eventType": "order", "externalId": "{{id}}", "payload": {{Ingestion.Samples.Order(5)}}}]}""");
        var answer = await app.SendAsync(HttpMethod.Post, "/api/v1/ingest/batch", body, "application/json", [new("x-api-key", tenant.ApiKey)]);
        Assert.True(answer.Status is 201 or 400 or 422, $"{answer.Status}: {answer.Body}");
        Assert.Equal(200, (await app.SendAsync(HttpMethod.Get, "/health/ready", null, null, [])).Status);
    }

    [Fact]
    public async Task a_key_expiry_with_an_offset_other_than_utc_is_the_same_instant()
    {
        var tenant = await app.CreateTenantAsync("Offsets");
        var answer = await app.SendAsync(HttpMethod.Post, "/api/v1/keys",
            Bytes("""{"scopes": ["read"], "label": "far", "expires_at": "9999-12-31T23:59:59.9999999+14:00"}"""), "application/json",
            [new("x-api-key", tenant.ApiKey)]);
        Assert.True(answer.Status == 201, $"{answer.Status}: {answer.Body}");
        var expires = JsonDocument.Parse(answer.Body).RootElement.GetProperty("expires_at").GetDateTimeOffset();
        Assert.Equal(new DateTimeOffset(9999, 12, 31, 9, 59, 59, TimeSpan.Zero), expires.ToUniversalTime().AddTicks(-(expires.Ticks % TimeSpan.TicksPerSecond)));
    }

    [Fact]
    public async Task a_null_exchange_rate_is_a_400_naming_it()
    {
        var tenant = await app.CreateTenantAsync("Null rates");
        var problem = await ProblemAsync(tenant, "POST", "/api/v1/fx-rates", Bytes("""{"rates": [null]}"""), 400, "rates[0]");
        Assert.Contains("not null", problem.GetProperty("errors").GetProperty("rates[0]")[0].GetString());
    }

    [Fact]
    public async Task text_postgresql_cannot_store_in_a_bound_body_is_a_400_naming_the_field()
    {
        var tenant = await app.CreateTenantAsync("Unstorable");
        var problem = await ProblemAsync(tenant, "POST", "/api/v1/keys", Bytes("""{"scopes": ["read"], "label": "a\u0000b"}"""), 400, "label");
        Assert.Contains("\\u0000 (a NUL character)", problem.GetProperty("detail").GetString());
        await ProblemAsync(tenant, "POST", "/api/v1/segments",
            Bytes("""{"name": "S", "rules": {"all": [{"field": "\ud800", "op": "gte", "value": 1}]}}"""), 400, "rules.all[0].field");
    }

    [Fact]
    public async Task bytes_that_are_not_utf8_are_a_400_naming_the_field_wherever_they_are()
    {
        var tenant = await app.CreateTenantAsync("Not UTF-8");
        await ProblemAsync(tenant, "POST", "/api/v1/fx-rates",
            [.. Bytes("{\"rates\": [{\"date\": \"2026-03-01\", \"from\": \""), 0xC3, 0x28, .. Bytes("\", \"to\": \"USD\", \"rate\": 1.1}]}")], 400, "rates[0].from");
        await ProblemAsync(tenant, "POST", "/api/v1/keys", [.. Bytes("{\"scopes\": [\"read\"], \"la"), 0xFF, .. Bytes("bel\": \"x\"}")], 400, null);
        await ProblemAsync(tenant, "POST", "/api/v1/ingest/batch",
            [.. Bytes("{\"source\": \"shopify\", \"events\": [{\"eventType\": \"order\", \"payload\": {\"id\": 1, \"note\": \""), 0xED, 0xA0, 0x80, .. Bytes("\"}}]}")],
            400, "events[0].payload.note");
        await ProblemAsync(tenant, "POST", "/api/v1/ingest/connections",
            [.. Bytes("{\"source\": \"shopify\", \"external_account_id\": \""), 0xC0, 0xAF, .. Bytes("\"}")], 400, "external_account_id");
    }

    [Fact]
    public async Task half_a_surrogate_pair_or_a_nul_in_ingestion_envelopes_and_connections_is_a_problem_not_a_server_error()
    {
        var tenant = await app.CreateTenantAsync("Envelopes");
        var source = await ProblemAsync(tenant, "POST", "/api/v1/ingest/batch", Bytes("""{"source": "a\udc00b", "events": []}"""), 400, null);
        Assert.Contains("source", source.GetProperty("detail").GetString());
        await ProblemAsync(tenant, "POST", "/api/v1/ingest/batch",
            Bytes($$"""{"source": "shopify", "events": [{"eventType": "\ud83d", "payload": {{Ingestion.Samples.Order(6)}}}]}"""), 422, "eventType");
        var connection = await app.ConnectAsync(tenant, "shopify", Ingestion.Unique.Shop(), "whsec");
        await ProblemAsync(tenant, "PATCH", $"/api/v1/ingest/connections/{connection}", Bytes("""{"display_name": "\u0000"}"""), 400, "display_name");
    }

    [Fact]
    public async Task a_whole_number_past_2_to_the_63_is_a_field_error_not_an_overflow()
    {
        var tenant = await app.CreateTenantAsync("Overflow");
        await ProblemAsync(tenant, "POST", "/api/v1/ingest/batch", Bytes(
            """{"source": "google", "events": [{"eventType": "ad_spend", "payload": {"campaign_id": "g1", "campaign_name": "S", "cost_micros": 18446744073709551616, "impressions": 1, "clicks": 1, "date": "2026-03-01"}}]}"""),
            422, "cost"); // named as the row names it (cost_micros or costMicros)
    }

    [Fact]
    public async Task a_record_id_too_long_to_name_a_stream_is_a_field_error_not_a_database_error()
    {
        var tenant = await app.CreateTenantAsync("Long stream");
        var row = Ingestion.Samples.MetaRow(new string('9', 120_000));
        await ProblemAsync(tenant, "POST", "/api/v1/ingest/batch",
            Bytes($$"""{"source": "meta", "events": [{"eventType": "ad_spend", "payload": {{row}}}]}"""), 422, "campaign_id");
    }

    [Fact]
    public async Task a_nul_in_a_query_value_is_a_400_naming_the_parameter()
    {
        var tenant = await app.CreateTenantAsync("Query NUL");
        var answer = await app.SendAsync(HttpMethod.Get, "/api/v1/orders?customer_key=a%00b", null, null, [new("x-api-key", tenant.ApiKey)]);
        Assert.True(answer.Status == 400, $"{answer.Status}: {answer.Body}");
        Assert.Null(answer.ProblemFault());
        Assert.Contains("customer_key", JsonDocument.Parse(answer.Body).RootElement.GetProperty("errors").ToString());
    }

    [Fact]
    public async Task a_bound_body_in_another_charset_is_a_415_problem()
    {
        var tenant = await app.CreateTenantAsync("Charset");
        await ProblemAsync(tenant, "POST", "/api/v1/tenant/members", Bytes("""{"email": "a@example.com", "role": "analyst"}"""), 415, null,
            "application/json; charset=iso-8859-1");
    }
}
