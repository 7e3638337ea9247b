using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GrowHalo.Simulator.Live;

/// <summary>What the batch API said about one batch.</summary>
public sealed record BatchAnswer(int Status, int Accepted, int Duplicates, int Rejected, string Body);

/// <summary>Posts platform records to <c>POST /api/v1/ingest/batch</c> with an ingest-scope API key.</summary>
public sealed class BatchClient(HttpClient http, string growHaloUrl, string apiKey)
{
    /// <summary>The batch API takes at most this many events per request; larger lists are split.</summary>
    public const int MaxEvents = 1000;

    public async Task<BatchAnswer> SendAsync(string source, string eventType, IReadOnlyList<JsonObject> payloads, CancellationToken ct)
    {
        int accepted = 0, duplicates = 0, rejected = 0, status = 201;
        var last = "";
        foreach (var chunk in payloads.Chunk(MaxEvents))
        {
            var body = new JsonObject
            {
                ["source"] = source,
                ["events"] = new JsonArray(chunk.Select(p => (JsonNode?)new JsonObject { ["eventType"] = eventType, ["payload"] = p.DeepClone() }).ToArray()),
            };
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{growHaloUrl.TrimEnd('/')}/api/v1/ingest/batch")
            {
                Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("x-api-key", apiKey);
            using var response = await http.SendAsync(request, ct);
            last = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode) return new BatchAnswer((int)response.StatusCode, accepted, duplicates, rejected, last);
            var answer = JsonSerializer.Deserialize<JsonElement>(last);
            accepted += Int(answer, "accepted");
            duplicates += Int(answer, "duplicates");
            rejected += Int(answer, "rejected");
            status = (int)response.StatusCode;
        }
        return new BatchAnswer(status, accepted, duplicates, rejected, last);
    }

    private static int Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.TryGetInt32(out var i) ? i : 0;
}
