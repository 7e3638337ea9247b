using System.Net;
using System.Text.Json;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Analytics.EndToEnd;

/// <summary>
/// The GrowHalo host fed the generated scenario through the HTTP ingestion API, chunk by chunk: one
/// POST /api/v1/ingest/batch per source and chunk (in delivery order), and Shopify webhook redeliveries through
/// POST /api/v1/ingest/webhook/shopify. An admin loads the CAD→USD rates half-way through (what the data-quality
/// endpoint said just before is kept for the tests).
/// </summary>
public sealed class ScenarioApp : MetricsApp
{
    public const int Seed = 20260318;

    public Scenario Scenario { get; private set; } = null!;
    public ScenarioExpectations Expected { get; private set; } = null!;
    public TenantClient Shop { get; private set; } = null!;
    public JsonElement QualityBeforeRates { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Shop = await CreateTenantAsync("Scenario", Scenario.TimeZone, "USD");
        Scenario = Scenario.Generate(Seed);
        Expected = new ScenarioExpectations(Scenario);
        for (var i = 0; i < Scenario.Batches.Count; i++)
        {
            if (i == Scenario.FxLoadBeforeBatch) await LoadRatesAsync();
            foreach (var upload in Scenario.Batches[i].Where(d => d.WebhookId is null).GroupBy(d => d.Source))
                await UploadAsync(upload.Key, upload.ToList());
            foreach (var webhook in Scenario.Batches[i].Where(d => d.WebhookId is not null))
                await WebhookAsync(webhook);
            if (i % 5 == 0) await WaitForCommerceAsync(); // vary how appends and projection batches interleave
        }
        await WaitForCommerceAsync();
    }

    private async Task UploadAsync(string source, IReadOnlyList<Delivery> deliveries)
    {
        var response = await Shop.PostJsonAsync("/api/v1/ingest/batch",
            new { source, events = deliveries.Select(d => new Dictionary<string, object> { ["eventType"] = d.EventType, ["payload"] = d.Payload }) });
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created || JsonDocument.Parse(body).RootElement.GetProperty("rejected").GetInt32() != 0)
            throw new InvalidOperationException($"Batch upload answered {(int)response.StatusCode}: {body}");
    }

    private async Task WebhookAsync(Delivery delivery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/webhook/shopify")
        {
            Content = new StringContent(delivery.Payload.GetRawText(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Shopify-Topic", "orders/updated");
        request.Headers.Add("X-Shopify-Webhook-Id", delivery.WebhookId);
        var response = await Shop.Http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Webhook answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task LoadRatesAsync()
    {
        await WaitForCommerceAsync();
        QualityBeforeRates = await Shop.GetAsync("/api/v1/metrics/data-quality");
        var rates = Scenario.CadToUsd.Select(r => new { date = r.Key.ToString("yyyy-MM-dd"), from = "CAD", to = "USD", rate = r.Value });
        var response = await Shop.PostJsonAsync("/api/v1/fx-rates", new { rates });
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
    }
}
