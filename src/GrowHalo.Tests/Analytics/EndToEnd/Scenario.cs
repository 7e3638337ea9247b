using System.Text.Json;
using Bogus;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.EndToEnd;

/// <summary>
/// A seeded, generated store history with everything that makes numbers hard: order updates, cancellations, test and
/// voided orders, refunds days later (alone, inside a later order version, or both), guest checkouts by e-mail in any
/// case, anonymous orders, repeat customers, customers whose first order arrives last, restated ad days, duplicates
/// (a webhook redelivered under a new webhook id, or the same record uploaded twice), orders in CAD besides the USD reporting currency,
/// orders either side of local midnight in Los Angeles (across the March DST change), and arrival out of order.
/// It keeps the plain facts (order versions, refunds, ad rows, rates) so expectations are computed without GrowHalo.
/// </summary>
/// <summary>One record as a platform sends it; <paramref name="WebhookId"/> set: a Shopify webhook delivery, else a batch upload.</summary>
public sealed record Delivery(string Source, string EventType, JsonElement Payload, string? WebhookId = null);

public sealed class Scenario
{
    public const string TimeZone = "America/Los_Angeles";
    public static readonly DateOnly First = new(2026, 1, 18), Last = new(2026, 3, 18);
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public List<List<Delivery>> Batches { get; } = [];
    public List<OrderSpec> OrderVersions { get; } = [];          // every version delivered, in delivery order
    public List<(long OrderId, RefundSpec Refund)> StandaloneRefunds { get; } = [];
    public List<AdSpec> AdRows { get; } = [];                     // every ad row delivered, in delivery order
    public Dictionary<DateOnly, decimal> CadToUsd { get; } = [];
    public int FxLoadBeforeBatch { get; private set; }

    private readonly Faker _f;
        private readonly List<(double At, Delivery Delivery, Action Record)> _deliveries = [];

    private Scenario(int seed)
    {
        _f = new Faker("en") { Random = new Randomizer(seed) };
    }

    public static Scenario Generate(int seed, int orders = 450)
    {
        var s = new Scenario(seed);
        var guests = Enumerable.Range(0, 20).Select(_ => s._f.Internet.Email().ToLowerInvariant()).Distinct().ToList();
        var lateFirst = new HashSet<long>();
        for (var i = 0; i < orders; i++) s.AddOrder(50_000 + i, guests, lateFirst);
        for (var day = First; day <= Last; day = day.AddDays(1))
        {
            s.CadToUsd[day] = 0.7m + (day.DayNumber % 10) * 0.0123m;
            s.AddAdDay(day);
        }
        s.AddCatalog();
        s.Deliver();
        return s;
    }

    private DateTimeOffset LocalTime(DateOnly day)
    {
        var roll = _f.Random.Double();
        var time = roll < 0.06 ? new TimeOnly(23, 58).Add(TimeSpan.FromSeconds(_f.Random.Int(0, 119)))
            : roll < 0.12 ? new TimeOnly(0, 0).Add(TimeSpan.FromSeconds(_f.Random.Int(0, 119)))
            : new TimeOnly(_f.PickRandom(new[] { 0, 1 }.Concat(Enumerable.Range(3, 21)).ToArray()), _f.Random.Int(0, 59), _f.Random.Int(0, 59));
        var local = day.ToDateTime(time);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    private void AddOrder(long id, List<string> guests, HashSet<long> lateFirst)
    {
        var day = First.AddDays(_f.Random.Int(0, Last.DayNumber - First.DayNumber));
        var created = LocalTime(day);
        var who = _f.Random.Double();
        long? customer = who < 0.6 ? _f.Random.Long(1001, 1060) : null;
        var email = who < 0.6 ? $"c{customer}@example.com"
            : who < 0.85 ? Variant(_f.PickRandom(guests)) : null;
        var order = new OrderSpec(id, created, Math.Round(_f.Random.Decimal(5m, 400m), 2), _f.Random.Double() < 0.15 ? "CAD" : "USD",
            customer, email, Test: _f.Random.Double() < 0.03, FinancialStatus: _f.Random.Double() < 0.03 ? "voided" : "paid");
        var late = customer is not null && _f.Random.Double() < 0.04; // this order arrives after everything else
        var versions = new List<OrderSpec> { order };
        var at = created;
        if (_f.Random.Double() < 0.2)
        {
            at = at.AddMinutes(_f.Random.Int(30, 3 * 24 * 60));
            versions.Add(order = order with { Total = Math.Round(order.Total * _f.Random.Decimal(0.5m, 1.5m), 2), UpdatedAt = at });
        }
        if (_f.Random.Double() < 0.15)
        {
            var refund = new RefundSpec(id * 10 + 1, at.AddMinutes(_f.Random.Int(60, 10 * 24 * 60)), Math.Round(order.Total * _f.Random.Decimal(0.1m, 1m), 2));
            if (refund.CreatedAt > EndOfLast) refund = refund with { CreatedAt = EndOfLast.AddMinutes(-_f.Random.Int(1, 600)) };
            var how = _f.Random.Int(0, 2);
            if (how != 1) Add(refund.CreatedAt.AddMinutes(1).ToUnixTimeSeconds(), new Delivery("shopify", "refund", RefundPayload(id, refund)), () => StandaloneRefunds.Add((id, refund)));
            if (how != 0)
            {
                at = refund.CreatedAt > at ? refund.CreatedAt : at.AddMinutes(1);
                versions.Add(order = order with { UpdatedAt = at, FinancialStatus = "partially_refunded", Refunds = [refund] });
            }
        }
        if (_f.Random.Double() < 0.08)
        {
            at = at.AddMinutes(_f.Random.Int(60, 5 * 24 * 60));
            versions.Add(order with { UpdatedAt = at, CancelledAt = at });
        }
        foreach (var v in versions)
        {
            var when = late ? 1e12 + v.Updated.ToUnixTimeSeconds() : v.Updated.ToUnixTimeSeconds();
            Add(when, new Delivery("shopify", "order", OrderPayload(v)), () => OrderVersions.Add(v));
            if (_f.Random.Double() < 0.08)   // the platform redelivers it under a new webhook id
                Add(when + _f.Random.Int(1, 500_000), new Delivery("shopify", "order", OrderPayload(v), _f.Random.Guid().ToString()), () => OrderVersions.Add(v));
        }
    }

    private static DateTimeOffset EndOfLast => new DateTimeOffset(Last.ToDateTime(new TimeOnly(23, 0)), Zone.GetUtcOffset(Last.ToDateTime(new TimeOnly(23, 0))));

    private string Variant(string email) => _f.Random.Int(0, 2) switch
    {
        0 => email,
        1 => email.ToUpperInvariant(),
        _ => $"  {char.ToUpperInvariant(email[0])}{email[1..]} ",
    };

    private void AddAdDay(DateOnly day)
    {
        var at = new DateTimeOffset(day.ToDateTime(new TimeOnly(23, 0)), TimeSpan.Zero).ToUnixTimeSeconds();
        foreach (var (platform, campaign, currency) in new[] { ("meta", "m1", "USD"), ("meta", "m2", "CAD"), ("google", "g1", (string?)null), ("google", "g2", "USD") })
        {
            if (_f.Random.Double() < 0.1) continue; // not every campaign runs every day
            var row = new AdSpec(platform, campaign, day, Math.Round(_f.Random.Decimal(5m, 200m), 2), currency,
                _f.Random.Long(100, 20_000), _f.Random.Long(1, 400), _f.Random.Int(0, 12), Math.Round(_f.Random.Decimal(0m, 600m), 2),
                $"{platform} {campaign}");
            Add(at, new Delivery(platform, "ad_spend", AdPayload(row)), () => AdRows.Add(row));
            for (var r = 0; r < 2 && _f.Random.Double() < 0.35; r++)   // restated up or down on a later pull
            {
                var restated = row with { Spend = Math.Round(row.Spend * _f.Random.Decimal(0.7m, 1.3m), 2), Clicks = row.Clicks + r + 1 };
                Add(at + _f.Random.Int(3_600, 5 * 86_400), new Delivery(platform, "ad_spend", AdPayload(restated)), () => AdRows.Add(restated));
            }
        }
    }

    private void AddCatalog()
    {
        var t = new DateTimeOffset(2026, 2, 1, 10, 0, 0, TimeSpan.Zero);
        Add(t.ToUnixTimeSeconds() + 10, new Delivery("shopify", "product", CatalogRecords.ProductPayload(77, "Tee (new name)", t.AddDays(2), 25m)), () => { });
        Add(t.ToUnixTimeSeconds() + 20, new Delivery("shopify", "product", CatalogRecords.ProductPayload(77, "Tee", t, 20m)), () => { }); // older, arrives later
        Add(t.ToUnixTimeSeconds(), new Delivery("shopify", "checkout", CatalogRecords.CheckoutPayload("ck1", "c1001@example.com", t, t, null, 40m)), () => { });
        Add(t.ToUnixTimeSeconds() + 30, new Delivery("shopify", "checkout",
            CatalogRecords.CheckoutPayload("ck1", "c1001@example.com", t, t.AddHours(1), t.AddHours(1), 40m)), () => { });
    }

    private void Add(double at, Delivery d, Action record) => _deliveries.Add((at, d, record));

    /// <summary>Roughly in time order, with a share of events held back, some sent twice, in chunks of varied size.</summary>
    private void Deliver()
    {
        var ordered = _deliveries.Select(d => (At: _f.Random.Double() < 0.12 ? d.At + _f.Random.Int(3_600, 20 * 86_400) : d.At, d.Delivery, d.Record))
            .OrderBy(d => d.At).ToList();
        foreach (var d in ordered.Where(_ => _f.Random.Double() < 0.05).ToList())
            ordered.Insert(_f.Random.Int(ordered.IndexOf(d), ordered.Count), (d.At, d.Delivery, () => { })); // the very same record again: stored once
        for (var i = 0; i < ordered.Count;)
        {
            var size = Math.Min(_f.Random.Int(1, 80), ordered.Count - i);
            Batches.Add(ordered.Skip(i).Take(size).Select(d => { d.Record(); return d.Delivery; }).ToList());
            i += size;
        }
        FxLoadBeforeBatch = Batches.Count / 2;
    }

    public static DateOnly LocalDay(DateTimeOffset t) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t, Zone).DateTime);
}
