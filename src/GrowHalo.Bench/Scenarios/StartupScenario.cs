using System.Diagnostics;
using System.Net;
using GrowHalo.Bench.Server;
using GrowHalo.Bench.Setup;

namespace GrowHalo.Bench.Scenarios;

/// <summary>
/// How soon a server process serves: from <c>dotnet exec growhalo.dll serve</c> to its first 200 on /health, and to
/// its first answer from each kind of endpoint a client calls first (the metrics summary, a batch, a webhook) — the
/// first call of an endpoint is where generated code is compiled, or not. Five starts on a migrated database; medians.
/// A Debug build (which carries Roslyn) also starts the server in Development, where Wolverine generates and compiles
/// the endpoints' code at run time, alternating with the pre-generated starts, for the cost of that compilation.
/// </summary>
public sealed class StartupScenario : IScenario
{
    private const int Starts = 5;
    public string Name => "startup";
    public string Description => "server start-up: process start to first /health 200, and to first answers of the summary, a batch and a webhook (median of 5)";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken ct)
    {
        var database = await context.CreateDatabaseAsync(ct);
        var tenant = await BenchTenant.CreateAsync(database.DataSource, "Startup", ct: ct);
        var modes = File.Exists(Path.Combine(AppContext.BaseDirectory, "Microsoft.CodeAnalysis.CSharp.dll"))
            ? new[] { "Production", "Development" } : ["Production"];
        var results = new List<Measurement>();
        var runs = modes.ToDictionary(m => m, _ => (Health: new List<double>(), First: new List<double>()));
        for (var i = 0; i < Starts; i++)
            foreach (var mode in modes)
                await StartOnceAsync(context, database.ConnectionString, tenant, mode, i, runs[mode].Health, runs[mode].First, ct);
        foreach (var (mode, (health, firstAnswers)) in runs)
        {
            var label = mode == "Production" ? "pre-generated code" : "Development: code generated at run time";
            results.Add(new(Name, $"process start → /health 200 ({label})", Median(health), "ms", $"median of {Starts}, min {health.Min():N0}, max {health.Max():N0}"));
            results.Add(new(Name, $"process start → summary, batch and webhook answered ({label})", Median(firstAnswers), "ms",
                $"median of {Starts}, min {firstAnswers.Min():N0}, max {firstAnswers.Max():N0}"));
        }
        return results;
    }

    private async Task StartOnceAsync(BenchContext context, string connectionString, BenchTenant tenant, string environment, int i,
        List<double> health, List<double> firstAnswers, CancellationToken ct)
    {
        await using var server = await GrowHaloServer.StartAsync($"{Name}-{environment}-{i}", connectionString,
            new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = environment }, ct);
        health.Add(Stopwatch.GetElapsedTime(server.StartedTimestamp).TotalMilliseconds);
        using var http = server.Client(tenant.ApiKey);
        await Expect(http.GetAsync("/api/v1/metrics/summary", ct), HttpStatusCode.OK);
        var batch = new StringContent($$"""{"source":"shopify","events":[{"eventType":"order","payload":{{ShopifyOrders.Order(1_000 + i, new Random(i)).GetRawText()}}}]}""",
            System.Text.Encoding.UTF8, "application/json");
        await Expect(http.PostAsync("/api/v1/ingest/batch", batch, ct), HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.Accepted);
        // An unsigned webhook is refused after the route's code has run: the endpoint is generated and called.
        await Expect(http.PostAsync("/api/v1/ingest/webhook/meta", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), ct),
            HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.UnprocessableEntity);
        firstAnswers.Add(Stopwatch.GetElapsedTime(server.StartedTimestamp).TotalMilliseconds);
        context.Log($"startup {i + 1}/{Starts} ({environment}): /health after {health[^1]:N0} ms, first answers of three endpoints after {firstAnswers[^1]:N0} ms");
    }

    private static async Task Expect(Task<HttpResponseMessage> request, params HttpStatusCode[] allowed)
    {
        using var response = await request;
        if (!allowed.Contains(response.StatusCode))
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
