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
        // The events are written with the tests' options, so each keeps the documented "eventType" key (the server's
        // options would turn a dictionary key into event_type).
        var events = JsonSerializer.SerializeToElement(
            deliveries.Select(d => new Dictionary<string, object> { ["eventType"] = d.EventType, ["payload"] = d.Payload }), Json.Options);
        var body = await Shop.PostAsync("/api/v1/ingest/batch", new { source, events }, HttpStatusCode.Created);
        if (body.GetProperty("rejected").GetInt32() != 0)
            throw new InvalidOperationException($"Batch upload rejected events: {body}");
    }

    /// <summary>A Shopify webhook redelivery with the payload's exact bytes, sent with the shop's key.</summary>
    private Task WebhookAsync(Delivery delivery) => Shop.Scenario(s =>
    {
        s.Post.Text(delivery.Payload.GetRawText()).ToUrl("/api/v1/ingest/webhook/shopify");
        s.WithRequestHeader("content-type", "application/json; charset=utf-8");
        s.WithRequestHeader("X-Shopify-Topic", "orders/updated");
        s.WithRequestHeader("X-Shopify-Webhook-Id", delivery.WebhookId!);
        s.StatusCodeShouldBeSuccess();
    });

    private async Task LoadRatesAsync()
    {
        await WaitForCommerceAsync();
        QualityBeforeRates = await Shop.GetAsync("/api/v1/metrics/data-quality");
        var rates = Scenario.CadToUsd.Select(r => new { date = r.Key.ToString("yyyy-MM-dd"), from = "CAD", to = "USD", rate = r.Value });
        await Shop.PostAsync("/api/v1/fx-rates", new { rates });
    }
}
