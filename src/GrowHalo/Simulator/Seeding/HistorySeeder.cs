using System.Text.Json.Nodes;
using GrowHalo.Simulator.Live;
using GrowHalo.Simulator.World;

namespace GrowHalo.Simulator.Seeding;

public sealed record SeedProgress(int Done, int Total, string Stage);

public sealed record SeedResult(int Sent, int Accepted, int Duplicates, int Rejected, IReadOnlyList<string> Problems);

/// <summary>
/// Loads a simulated brand's history into GrowHalo through the batch API, as any client would: each Shopify record in
/// its state at <c>asOf</c>, then every campaign-day of Meta and Google spend. Sending it twice stores nothing new
/// (every record's idempotency key is its id and version).
/// </summary>
public sealed class HistorySeeder(SimWorld world, BatchClient batches)
{
    private const int Chunk = 500;

    public async Task<SeedResult> SeedAsync(DateTimeOffset asOf, IProgress<SeedProgress>? progress, CancellationToken ct)
    {
        var today = world.Clock.DayOf(asOf);
        var work = new List<(string Source, string Type, string Stage, List<JsonObject> Payloads)>
        {
            ("shopify", "product", "products", Render(ShopifyResource.Products, asOf)),
            ("shopify", "customer", "customers", Render(ShopifyResource.Customers, asOf)),
            ("shopify", "order", "orders", Render(ShopifyResource.Orders, asOf)),
            ("shopify", "checkout", "checkouts", Render(ShopifyResource.Checkouts, asOf)),
            ("meta", "ad_spend", "Meta spend", world.Ads.Days("meta", world.FirstDay, today, asOf).Select(d => AdRowJson.Meta(d, world.Options)).ToList()),
            ("google", "ad_spend", "Google spend", world.Ads.Days("google", world.FirstDay, today, asOf).Select(d => AdRowJson.Google(d, world.Options)).ToList()),
        };
        var total = work.Sum(w => w.Payloads.Count);
        int done = 0, accepted = 0, duplicates = 0, rejected = 0;
        var problems = new List<string>();
        foreach (var (source, type, stage, payloads) in work)
        {
            foreach (var chunk in payloads.Chunk(Chunk))
            {
                progress?.Report(new SeedProgress(done, total, stage));
                var answer = await batches.SendAsync(source, type, chunk, ct);
                if (answer.Status is < 200 or > 299) problems.Add($"{stage}: HTTP {answer.Status}: {answer.Body}");
                accepted += answer.Accepted;
                duplicates += answer.Duplicates;
                rejected += answer.Rejected;
                if (answer.Rejected > 0 && problems.Count < 5) problems.Add($"{stage}: {answer.Rejected} rejected: {answer.Body[..Math.Min(400, answer.Body.Length)]}");
                done += chunk.Length;
            }
        }
        progress?.Report(new SeedProgress(done, total, "done"));
        return new SeedResult(done, accepted, duplicates, rejected, problems);
    }

    private List<JsonObject> Render(ShopifyResource resource, DateTimeOffset asOf) =>
        world.Records(resource, asOf).Select(r => r.Render(asOf, world.Clock)).ToList();
}
