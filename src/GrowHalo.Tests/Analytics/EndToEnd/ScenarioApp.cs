using System.Net;
using System.Text.Json;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Analytics.EndToEnd;

/// <summary>
/// The GrowHalo host fed the generated scenario in its delivery chunks through the event store, with the CAD→USD rates
/// loaded by an admin half-way through (what the data-quality endpoint said just before is kept for the tests).
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
        Scenario = Scenario.Generate(Shop.Id, Seed);
        Expected = new ScenarioExpectations(Scenario);
        var store = Service<GrowHalo.EventStore.EventStore>();
        for (var i = 0; i < Scenario.Batches.Count; i++)
        {
            if (i == Scenario.FxLoadBeforeBatch) await LoadRatesAsync();
            await store.AppendAsync(Shop.Id, Scenario.Batches[i]);
            if (i % 5 == 0) await WaitForCommerceAsync(); // vary how appends and projection batches interleave
        }
        await WaitForCommerceAsync();
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
