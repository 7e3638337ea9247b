namespace GrowHalo.Simulator.World;

/// <summary>The brand's products: a fixed list so product ids and prices never change between runs.</summary>
public static class Catalog
{
    private static readonly (string Title, string Type, decimal Price)[] Items =
    [
        ("Everyday Tee", "Apparel", 28m), ("Heavyweight Hoodie", "Apparel", 74m), ("Merino Crew Socks", "Apparel", 18m),
        ("Canvas Tote", "Accessories", 32m), ("Trail Cap", "Accessories", 29m), ("Insulated Bottle", "Drinkware", 36m),
        ("Ceramic Mug", "Drinkware", 22m), ("Pour-Over Set", "Drinkware", 58m), ("Linen Throw", "Home", 89m),
        ("Soy Candle", "Home", 26m), ("Weekender Bag", "Accessories", 129m), ("Rain Shell", "Apparel", 118m),
        ("Wool Beanie", "Apparel", 34m), ("Travel Kit", "Accessories", 45m), ("Desk Organizer", "Home", 39m),
        ("Cold Brew Jar", "Drinkware", 31m), ("Organic Joggers", "Apparel", 68m), ("Leather Card Case", "Accessories", 42m),
        ("Picnic Blanket", "Home", 64m), ("Gift Card Sleeve", "Accessories", 19m),
    ];

    /// <summary>Products created shortly before the simulated period; three are repriced in its middle.</summary>
    public static IReadOnlyList<SimProduct> Create(SimClock clock, DateOnly firstDay, int days)
    {
        var created = clock.StartOf(firstDay.AddDays(-5)).AddHours(10);
        return Items.Select((item, i) =>
        {
            var product = new SimProduct(8_100_000_000 + i, 4_200_000_000 + i, item.Title, item.Type,
                $"HG-{item.Type[..3].ToUpperInvariant()}-{i + 1:000}", item.Price, created.AddMinutes(i * 7));
            return i % 7 == 3
                ? product with { RepricedAt = clock.StartOf(firstDay.AddDays(days / 2 + i)).AddHours(9), NewPrice = item.Price + 4m }
                : product;
        }).ToList();
    }

    /// <summary>Popular items sell more: weight falls with the catalog position, cheap socks and mugs sell most.</summary>
    public static float[] Weights(int count) => Enumerable.Range(0, count).Select(i => 1f / (1 + i * 0.15f)).ToArray();

    public static readonly (string Province, decimal TaxRate)[] Provinces =
    [
        ("NY", 0.08875m), ("CA", 0.0725m), ("TX", 0.0625m), ("FL", 0.06m), ("OR", 0m), ("WA", 0.065m), ("IL", 0.0625m),
        ("MA", 0.0625m), ("NJ", 0.06625m), ("PA", 0.06m), ("CO", 0.029m), ("MT", 0m),
    ];
}
