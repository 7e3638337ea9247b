using System.Net;
using System.Text.Json;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Simulator.StandIns;
using GrowHalo.Simulator.World;
using GrowHalo.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace GrowHalo.Tests.Ingestion.Sync;

/// <summary>
/// GrowHalo running sync runs (the scheduled polling off, so only runs read the stand-ins), against the stand-in APIs
/// serving a simulated brand of 20 days ending at <see cref="Now"/>, in small Shopify pages so a run has many.
/// </summary>
public sealed class SyncApp : StandInApp
{
    public const int PageSize = 50;
    public StandInFaults Faults => StandIns.State.Faults;
    protected override int ShopifyPageSize => PageSize;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Sync:Tick", "00:00:00.200");
    }

    public int Visible(ShopifyResource resource) => World.Records(resource, Clock.Now).Count;

    public int AllShopifyRecords => Visible(ShopifyResource.Orders) + Visible(ShopifyResource.Customers) + Visible(ShopifyResource.Products) +
                                    Visible(ShopifyResource.Checkouts);

    /// <summary>A tenant with one connection of <paramref name="source"/> to the stand-ins (the previous test's steps aside).</summary>
    public async Task<(TenantClient Tenant, IngestConnection Connection)> ConnectAsync(string source, TenantClient? tenant = null)
    {
        tenant ??= await CreateTenantAsync("Synced", "America/New_York");
        return (tenant, await ConnectAsync(tenant, source, baseUrl: null, polling: true));
    }

    public override async Task DisposeAsync()
    {
        Faults.Release();
        await base.DisposeAsync();
    }
}

public static class SyncHttp
{
    /// <summary>POST /api/v1/sync; must answer 202. Returns the run id and the answer.</summary>
    public static async Task<(Guid Id, JsonElement Body, HttpResponseMessage Response)> StartSyncAsync(this TenantClient tenant, object body)
    {
        var response = await tenant.PostJsonAsync("/api/v1/sync", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {text}");
        var json = JsonDocument.Parse(text).RootElement.Clone();
        return (json.GetProperty("sync_run_id").GetGuid(), json, response);
    }

    public static Task<JsonElement> RunAsync(this TenantClient tenant, Guid id) => tenant.GetJsonAsync<JsonElement>($"/api/v1/sync/{id}");

    /// <summary>Reads the run until <paramref name="until"/> holds (30 s at most); the run as then answered.</summary>
    public static async Task<JsonElement> WaitForAsync(this TenantClient tenant, Guid id, Func<JsonElement, bool> until, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var run = await tenant.RunAsync(id);
            if (until(run)) return run;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Sync run {id} never got {what}: {run}");
            await Task.Delay(50);
        }
    }

    public static Task<JsonElement> WaitForEndAsync(this TenantClient tenant, Guid id) =>
        tenant.WaitForAsync(id, r => r.GetProperty("state").GetString() is "completed" or "failed" or "cancelled", "to an end");

    public static string State(this JsonElement run) => run.GetProperty("state").GetString()!;
    public static long Long(this JsonElement run, string name) => run.GetProperty(name).GetInt64();
}
