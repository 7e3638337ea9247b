using Bogus;

namespace GrowHalo.Simulator.World;

/// <summary>
/// Makes one day of a shop's life from its own seeded random source: orders from new, returning and guest buyers,
/// discounts, taxes, shipping, later fulfilment, refunds and cancellations, test orders, and abandoned checkouts
/// some of which recover into orders.
/// </summary>
internal sealed class DayGenerator(WorldOptions options, SimClock clock, IReadOnlyList<SimProduct> products, List<SimCustomer> customers)
{
    // Bogus' WeightedRandom expects weights that sum to 1.
    private static readonly float[] HourWeights = Normalised(
        [1f, .6f, .4f, .3f, .3f, .4f, .8f, 1.2f, 1.6f, 1.9f, 2f, 2.1f, 2.2f, 2.1f, 2f, 2f, 2.1f, 2.3f, 2.6f, 2.9f, 3f, 2.7f, 2f, 1.4f]);
    private readonly float[] _productWeights = Normalised(Catalog.Weights(products.Count));

    private static float[] Normalised(float[] weights) => weights.Select(w => w / weights.Sum()).ToArray();

    private int _dayIndex;
    private int _customersToday;

    public int NextNumber { get; set; } = 1001;

    public (List<SimOrder> Orders, List<SimCheckout> Checkouts) Generate(DateOnly day)
    {
        var index = _dayIndex = SimClock.DayIndex(day);
        _customersToday = 0;
        var faker = new Faker("en") { Random = new Randomizer(unchecked(options.Seed * 7919 + index)) };
        var start = clock.StartOf(day);
        var season = 1 + 0.15 * Math.Sin(2 * Math.PI * index / 45.0);
        var weekday = day.DayOfWeek switch { DayOfWeek.Sunday => 1.15, DayOfWeek.Saturday => 1.1, DayOfWeek.Monday => 0.95, _ => 1.0 };
        var count = (int)Math.Round(options.OrdersPerDay * season * weekday * faker.Random.Double(0.85, 1.15));

        var orders = new List<SimOrder>();
        var times = Enumerable.Range(0, count).Select(_ => TimeIn(faker, start)).Order().ToList();
        for (var i = 0; i < times.Count; i++)
            orders.Add(NewOrder(faker, 5_000_000_000 + index * 1000L + i, times[i], Buyer(faker, times[i]), Lines(faker, times[i]), null));

        var checkouts = new List<SimCheckout>();
        var abandoned = (int)(count * 0.25);
        for (var j = 0; j < abandoned; j++)
        {
            var at = TimeIn(faker, start);
            var (customer, email, _, _, province) = Buyer(faker, at, register: false);
            var lines = Lines(faker, at);
            var taxRate = Catalog.Provinces.First(p => p.Province == province).TaxRate;
            var recovered = faker.Random.Bool(0.15f) ? at.AddMinutes(faker.Random.Int(60, 48 * 60)) : (DateTimeOffset?)null;
            var checkout = new SimCheckout(7_000_000_000 + index * 1000L + j, faker.Random.Hash(32), at, email, customer, lines,
                taxRate, ShippingFor(faker, lines.Sum(l => l.UnitPrice * l.Quantity)), recovered);
            checkouts.Add(checkout);
            if (recovered is { } completedAt)
                orders.Add(NewOrder(faker, 5_000_000_000 + index * 1000L + 500 + j, completedAt,
                    Buyer(faker, completedAt, customer, email, province), lines, checkout.Token));
        }
        return (orders, checkouts);
    }

    /// <summary>
    /// One order outside the day plan, for the live simulator: a new or guest buyer (kept in <paramref name="liveCustomers"/>,
    /// never in the day plan's pool, so the days to come stay exactly as they would have been without it).
    /// </summary>
    public SimOrder NewLiveOrder(Faker faker, long id, DateTimeOffset at, List<SimCustomer> liveCustomers)
    {
        var first = faker.Name.FirstName();
        var last = faker.Name.LastName();
        var email = faker.Internet.Email(first, last, uniqueSuffix: (id % 100_000).ToString()).ToLowerInvariant();
        var province = faker.PickRandom(Catalog.Provinces).Province;
        SimCustomer? customer = null;
        if (faker.Random.Bool(0.9f))
        {
            customer = new SimCustomer(id + 1, first, last, email, province, at.AddMinutes(-faker.Random.Int(1, 20)));
            liveCustomers.Add(customer);
        }
        return NewOrder(faker, id, at, (customer, email, first, last, province), Lines(faker, at), null);
    }

    private static DateTimeOffset TimeIn(Faker faker, DateTimeOffset dayStart) =>
        dayStart.AddHours(faker.Random.WeightedRandom(Enumerable.Range(0, 24).ToArray(), HourWeights)).AddSeconds(faker.Random.Int(0, 3599));

    private (SimCustomer? Customer, string Email, string First, string Last, string Province) Buyer(
        Faker faker, DateTimeOffset at, SimCustomer? known = null, string? knownEmail = null, string? knownProvince = null, bool register = true)
    {
        if (known is not null) return (known, known.Email, known.FirstName, known.LastName, known.State);
        if (knownEmail is not null) return (null, knownEmail, "Guest", "Buyer", knownProvince!);
        if (customers.Count > 20 && faker.Random.Bool(0.32f))
        {
            var returning = customers[faker.Random.Int(0, customers.Count - 1)];
            if (returning.CreatedAt < at) return (returning, returning.Email, returning.FirstName, returning.LastName, returning.State);
        }
        var first = faker.Name.FirstName();
        var last = faker.Name.LastName();
        var email = faker.Internet.Email(first, last, uniqueSuffix: faker.Random.Int(1, 9999).ToString()).ToLowerInvariant();
        var province = faker.PickRandom(Catalog.Provinces).Province;
        if (!register || faker.Random.Bool(0.1f)) return (null, email, first, last, province); // guest checkout
        var customer = new SimCustomer(6_000_000_000 + _dayIndex * 1000L + _customersToday++, first, last, email, province,
            at.AddMinutes(-faker.Random.Int(1, 20)));
        customers.Add(customer);
        return (customer, email, first, last, province);
    }

    private List<SimLine> Lines(Faker faker, DateTimeOffset at)
    {
        var count = faker.Random.WeightedRandom([1, 2, 3], [0.6f, 0.3f, 0.1f]);
        return Enumerable.Range(0, count)
            .Select(_ => faker.Random.WeightedRandom(products.ToArray(), _productWeights))
            .DistinctBy(p => p.Id)
            .Select(p => new SimLine(p, faker.Random.Bool(0.85f) ? 1 : 2, p.PriceAt(at)))
            .ToList();
    }

    private static decimal ShippingFor(Faker faker, decimal subtotal) =>
        faker.Random.Bool(0.08f) ? 14.95m : subtotal >= 75m ? 0m : 5.95m;

    private SimOrder NewOrder(Faker faker, long id, DateTimeOffset at,
        (SimCustomer? Customer, string Email, string First, string Last, string Province) buyer, List<SimLine> lines, string? checkoutToken)
    {
        var isNew = buyer.Customer is null || buyer.Customer.ChangeTimes.Count == 1;
        var (code, rate) = isNew && faker.Random.Bool(0.15f) ? ("WELCOME10", 0.10m)
            : faker.Random.Bool(0.08f) ? ("SPRING15", 0.15m) : ((string?)null, 0m);
        var lineTotal = lines.Sum(l => l.UnitPrice * l.Quantity);
        var cancelled = faker.Random.Bool(0.02f) ? at.AddMinutes(faker.Random.Int(30, 18 * 60)) : (DateTimeOffset?)null;
        var order = new SimOrder
        {
            Id = id, Number = NextNumber++, CreatedAt = at, Lines = lines, Customer = buyer.Customer, Email = buyer.Email,
            FirstName = buyer.First, LastName = buyer.Last, Province = buyer.Province, DiscountCode = code, DiscountRate = rate,
            TaxRate = Catalog.Provinces.First(p => p.Province == buyer.Province).TaxRate,
            Shipping = ShippingFor(faker, lineTotal * (1 - rate)), Test = faker.Random.Bool(0.005f), CheckoutToken = checkoutToken,
            CancelledAt = cancelled, VoidedOnCancel = faker.Random.Bool(),
            FulfilledAt = cancelled is null ? at.AddSeconds(faker.Random.Int(6 * 3600, 40 * 3600)) : null,
        };
        var refundId = 8_000_000_000 + (id - 5_000_000_000) * 2;
        if (cancelled is { } c && !order.VoidedOnCancel)
            order = With(order, new SimRefund(refundId, c, null, order.Subtotal, order.Tax, order.Shipping));
        else if (cancelled is null && faker.Random.Bool(0.07f))
        {
            var when = at.AddSeconds(faker.Random.Int(3 * 86400, 21 * 86400));
            if (faker.Random.Bool(0.4f) || lines.Count == 1)
                order = With(order, new SimRefund(refundId, when, null, order.Subtotal, order.Tax, order.Shipping));
            else
            {
                var li = faker.Random.Int(0, lines.Count - 1);
                var sub = Math.Round(lines[li].UnitPrice * lines[li].Quantity * (1 - rate), 2);
                order = With(order, new SimRefund(refundId, when, li, sub, Math.Round(sub * order.TaxRate, 2), 0m));
            }
        }
        buyer.Customer?.AddOrder(at, id, order.Name, order.TotalPrice);
        return order;
    }

    private static SimOrder With(SimOrder order, SimRefund refund) => order with { Refunds = [refund] };
}
