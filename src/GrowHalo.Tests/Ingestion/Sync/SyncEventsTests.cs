using System.Diagnostics;
using System.Net;
using System.Text.Json;
using GrowHalo.Simulator.StandIns;

namespace GrowHalo.Tests.Ingestion.Sync;

/// <summary>GET /api/v1/sync/{id}/events read by a real HTTP client as a browser's EventSource would.</summary>
public sealed class SyncEventsTests(SyncApp app) : IClassFixture<SyncApp>
{
    private sealed record Sse(string Event, JsonElement Data, TimeSpan At);

    /// <summary>Every event until the server ends the stream (the token only guards against a hang).</summary>
    private static async IAsyncEnumerable<Sse> ReadAsync(StreamReader stream, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        string? name = null;
        while (await stream.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null)
                yield return new Sse(name, JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone(), clock.Elapsed);
        }
    }

    [Fact]
    public async Task the_stream_sends_progress_at_most_twice_a_second_then_completed_and_ends()
    {
        var (tenant, connection) = await app.ConnectAsync("shopify");
        app.Faults.HoldAfter(StandInApi.ShopifyRest, afterRequests: 6);
        var (id, _, _) = await tenant.StartSyncAsync(new { connection_id = connection.Id });
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await app.ClientWithKey(tenant.ApiKey).GetAsync($"/api/v1/sync/{id}/events", HttpCompletionOption.ResponseHeadersRead, guard.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var stream = new StreamReader(await response.Content.ReadAsStreamAsync(guard.Token));

        var events = new List<Sse>();
        await foreach (var e in ReadAsync(stream, guard.Token))
        {
            events.Add(e);
            // Held mid-way: once the stream has shown the run moving, let it finish.
            if (e.Event == "progress" && e.Data.GetProperty("records_fetched").GetInt64() > 0) app.Faults.Release();
        }

        var progress = events.Where(e => e.Event == "progress").ToList();
        Assert.Contains(progress, e => e.Data.GetProperty("state").GetString() == "running" && e.Data.GetProperty("percent") is { ValueKind: JsonValueKind.Number } p && p.GetDecimal() is > 0 and < 100);
        Assert.All(progress.Zip(progress.Skip(1)), pair => Assert.True(pair.Second.At - pair.First.At >= TimeSpan.FromMilliseconds(450),
            $"progress events {pair.First.At.TotalMilliseconds:0} ms and {pair.Second.At.TotalMilliseconds:0} ms apart"));
        var last = events[^1];
        Assert.Equal("completed", last.Event); // the final event, after which the server ended the stream
        Assert.Equal(100m, last.Data.GetProperty("percent").GetDecimal());
        Assert.Equal(app.AllShopifyRecords, last.Data.GetProperty("records_fetched").GetInt64());
        Assert.Single(events, e => e.Event != "progress");
    }

    [Fact]
    public async Task a_finished_runs_stream_is_its_final_event_alone()
    {
        var (tenant, connection) = await app.ConnectAsync("google");
        var (id, _, _) = await tenant.StartSyncAsync(new { connection_id = connection.Id });
        Assert.Equal("completed", (await tenant.WaitForEndAsync(id)).State());

        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await app.ClientWithKey(tenant.ApiKey).GetAsync($"/api/v1/sync/{id}/events", HttpCompletionOption.ResponseHeadersRead, guard.Token);
        using var stream = new StreamReader(await response.Content.ReadAsStreamAsync(guard.Token));
        var events = new List<Sse>();
        await foreach (var e in ReadAsync(stream, guard.Token)) events.Add(e);

        var only = Assert.Single(events);
        Assert.Equal("completed", only.Event);
        Assert.Equal(id, only.Data.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task the_v1_names_list_connections_with_their_runs_trigger_a_run_and_reset_the_cursor()
    {
        var (tenant, connection) = await app.ConnectAsync("shopify");
        var before = await tenant.GetJsonAsync<JsonElement>("/api/v1/ingest/syncs");
        var listed = Assert.Single(before.GetProperty("data").EnumerateArray());
        Assert.Equal(connection.Id, listed.GetProperty("connection_id").GetString());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("last_run").ValueKind);

        var trigger = await tenant.PostJsonAsync($"/api/v1/ingest/syncs/{connection.Id}/trigger", new { });
        Assert.Equal(HttpStatusCode.Accepted, trigger.StatusCode);
        var id = JsonDocument.Parse(await trigger.Content.ReadAsStringAsync()).RootElement.GetProperty("sync_run_id").GetGuid();
        Assert.Equal("completed", (await tenant.WaitForEndAsync(id)).State());
        var after = Assert.Single((await tenant.GetJsonAsync<JsonElement>("/api/v1/ingest/syncs")).GetProperty("data").EnumerateArray());
        Assert.Equal(id, after.GetProperty("last_run").GetProperty("id").GetGuid());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("active_run").ValueKind);

        var reset = await tenant.PostJsonAsync($"/api/v1/ingest/syncs/{connection.Id}/reset", new { });
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var again = await tenant.PostJsonAsync($"/api/v1/ingest/syncs/{connection.Id}/trigger", new { });
        var rerun = await tenant.WaitForEndAsync(JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("sync_run_id").GetGuid());
        Assert.Equal(app.AllShopifyRecords, rerun.Long("records_fetched")); // from the start again
        Assert.Equal(0, rerun.Long("records_stored"));
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.PostJsonAsync("/api/v1/ingest/syncs/con_nope/trigger", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.PostJsonAsync("/api/v1/ingest/syncs/con_nope/reset", new { })).StatusCode);
    }
}
