using System.Text.Json.Nodes;
using GrowHalo.Simulator.World;

namespace GrowHalo.Bench.Setup;

/// <summary>
/// Realistic native Shopify order JSON from the simulator's world (customers, discounts, taxes, fulfilment, refunds,
/// cancellations, test orders), as Shopify's REST API would return each order at the end of the span.
/// A world plans at most a few hundred orders a day (its ids have room for 500 a day), so larger volumes come from
/// several worlds with different seeds, each world's order and customer ids moved into a range of its own.
/// </summary>
public static class SimPayloads
{
    public const int OrdersPerWorldDay = 300;
    private const long WorldIdStride = 1_000_000_000_000;

    /// <summary>About <paramref name="count"/> orders spread over <paramref name="days"/> days ending yesterday (UTC), oldest first per world.</summary>
    /// <param name="idOffset">Moves every order and customer id by this much, for orders that must not meet another set's.</param>
    public static IEnumerable<JsonObject> Orders(int count, int days, int seed = 42, long idOffset = 0)
    {
        var perDay = Math.Max(1, (int)Math.Ceiling((double)count / days));
        var worlds = (int)Math.Ceiling((double)perDay / OrdersPerWorldDay);
        var asOf = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var firstDay = DateOnly.FromDateTime(asOf.UtcDateTime).AddDays(-days);
        var produced = 0;
        for (var w = 0; produced < count; w++) // worlds vary by ±50% a day: add worlds until there are enough orders
        {
            var options = new WorldOptions { Seed = seed + w, OrdersPerDay = (int)Math.Ceiling((double)perDay / worlds) };
            var world = new SimWorld(options, firstDay);
            foreach (var order in world.Orders(asOf))
            {
                if (produced++ >= count) yield break;
                var json = order.Render(asOf, world.Clock);
                if (w > 0 || idOffset != 0) MoveIds(json, w * WorldIdStride + idOffset);
                yield return json;
            }
        }
    }

    /// <summary>The same order in another id range: a different order to GrowHalo (stream, idempotency key, customer).</summary>
    private static void MoveIds(JsonObject order, long offset)
    {
        var id = order["id"]!.GetValue<long>() + offset;
        order["id"] = id;
        order["admin_graphql_api_id"] = $"gid://shopify/Order/{id}";
        if (order["customer"] is JsonObject customer && customer["id"] is JsonValue cid)
        {
            var moved = cid.GetValue<long>() + offset;
            customer["id"] = moved;
            if (customer.ContainsKey("admin_graphql_api_id")) customer["admin_graphql_api_id"] = $"gid://shopify/Customer/{moved}";
        }
    }
}
