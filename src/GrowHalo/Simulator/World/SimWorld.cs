using Bogus;

namespace GrowHalo.Simulator.World;

public enum ShopifyResource { Orders, Customers, Products, Checkouts }

/// <summary>
/// A simulated brand: its Shopify shop (products, customers, orders, checkouts) and its Meta and Google campaigns,
/// from <see cref="FirstDay"/> on. Days are generated on demand as time passes, each from its own seed, so the world
/// seen at any instant is the same for everyone who asks. Live orders can be added on top (see <see cref="AddLiveOrder"/>).
/// Thread-safe: the stand-in APIs read it while the live pusher adds to it.
/// </summary>
public sealed class SimWorld
{
    private readonly object _gate = new();
    private readonly List<SimCustomer> _customers = [];
    private readonly List<SimCustomer> _liveCustomers = [];
    private readonly List<SimOrder> _orders = [];
    private readonly List<SimCheckout> _checkouts = [];
    private readonly DayGenerator _days;
    private readonly Faker _live;
    private DateOnly _generatedThrough;
    private long _lastLiveId;

    public SimWorld(WorldOptions options, DateOnly firstDay)
    {
        Options = options;
        Clock = new SimClock(options.Zone);
        FirstDay = firstDay;
        Products = Catalog.Create(Clock, firstDay, 90);
        Ads = new AdSpendModel(options, Clock, AdCampaign.Defaults, firstDay);
        _days = new DayGenerator(options, Clock, Products, _customers);
        _live = new Faker("en") { Random = new Randomizer(unchecked(options.Seed * 31 + 7)) };
        _generatedThrough = firstDay.AddDays(-1);
    }

    public WorldOptions Options { get; }
    public SimClock Clock { get; }
    public DateOnly FirstDay { get; }
    public IReadOnlyList<SimProduct> Products { get; }
    public AdSpendModel Ads { get; }

    /// <summary>The records of one resource that exist at <paramref name="asOf"/>, in creation order.</summary>
    public IReadOnlyList<ISimRecord> Records(ShopifyResource resource, DateTimeOffset asOf)
    {
        lock (_gate)
        {
            EnsureThrough(Clock.DayOf(asOf));
            IEnumerable<ISimRecord> all = resource switch
            {
                ShopifyResource.Orders => _orders,
                ShopifyResource.Customers => _customers.Concat(_liveCustomers),
                ShopifyResource.Products => Products,
                _ => _checkouts,
            };
            return all.Where(r => r.CreatedAt <= asOf).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToList();
        }
    }

    public IReadOnlyList<SimOrder> Orders(DateTimeOffset asOf) => Records(ShopifyResource.Orders, asOf).Cast<SimOrder>().ToList();

    /// <summary>Every record whose version changed in (<paramref name="after"/>, <paramref name="upTo"/>], with the instant it changed.</summary>
    public IReadOnlyList<(ShopifyResource Resource, ISimRecord Record, DateTimeOffset ChangedAt)> ChangesBetween(DateTimeOffset after, DateTimeOffset upTo)
    {
        var changes = new List<(ShopifyResource, ISimRecord, DateTimeOffset)>();
        foreach (var resource in Enum.GetValues<ShopifyResource>())
            foreach (var record in Records(resource, upTo))
                foreach (var t in record.ChangeTimes)
                    if (t > after && t <= upTo) changes.Add((resource, record, t));
        return changes.OrderBy(c => c.Item3).ToList();
    }

    /// <summary>
    /// An extra order placed at <paramref name="at"/> on top of the seeded days (the live simulator's "rate"). Its id
    /// comes from the instant, so a restarted simulator never reuses one.
    /// </summary>
    public SimOrder AddLiveOrder(DateTimeOffset at)
    {
        at = DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds()); // Shopify timestamps have whole seconds
        lock (_gate)
        {
            EnsureThrough(Clock.DayOf(at));
            // Milliseconds since the epoch, times 10: unique per live order, above every planned id, and 2 apart so the customer can take id + 1.
            var id = Math.Max(at.ToUnixTimeMilliseconds() * 10, _lastLiveId + 2);
            _lastLiveId = id;
            var order = _days.NewLiveOrder(_live, id, at, _liveCustomers);
            _orders.Add(order);
            return order;
        }
    }

    private void EnsureThrough(DateOnly day)
    {
        while (_generatedThrough < day)
        {
            _generatedThrough = _generatedThrough.AddDays(1);
            var (orders, checkouts) = _days.Generate(_generatedThrough);
            _orders.AddRange(orders);
            _checkouts.AddRange(checkouts);
        }
    }
}
