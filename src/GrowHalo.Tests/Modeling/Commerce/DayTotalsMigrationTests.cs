using GrowHalo.Platform.Database;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Modeling.Commerce;

/// <summary>
/// A database that held orders and customers before the running day totals existed gets totals that sum its documents
/// (migration 0303 fills them), so its next day recompute is right without a rebuild.
/// </summary>
public sealed class DayTotalsMigrationTests : IAsyncLifetime
{
    private readonly TestDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();
    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task the_day_totals_migration_sums_the_orders_and_first_order_days_already_stored()
    {
        await ExecAsync("""
            insert into tenants (id, name, slug, time_zone, currency) values ('t-old', 'Old', 't-old', 'UTC', 'USD');
            insert into orders (tenant_id, order_id, created_at, placed_at, placed_day, updated_at, currency, total_price,
                subtotal_price, total_discounts, total_tax, total_shipping, test, counted, line_items)
            select 't-old', o.id, now(), now(), o.day, now(), o.currency, o.total, o.total, 0, 0, 0, false, o.counted, '[]'
            from (values ('1', date '2026-03-01', 'USD', 10.50, true), ('2', date '2026-03-01', 'USD', 4.25, true),
                         ('3', date '2026-03-01', 'CAD', 7.00, true), ('4', date '2026-03-01', null, 3.00, true),
                         ('5', date '2026-03-01', 'USD', 100.00, false), ('6', date '2026-03-02', 'USD', 1.00, true))
                 as o(id, day, currency, total, counted);
            insert into customers (tenant_id, customer_key, first_order_day)
            values ('t-old', 'id:1', '2026-03-01'), ('t-old', 'id:2', '2026-03-01'), ('t-old', 'id:3', '2026-03-02'),
                   ('t-old', 'email:x@example.com', null);
            """);

        await ExecAsync(Migrator.All.Single(m => m.Name.Contains("day_totals", StringComparison.Ordinal)).Sql);

        Assert.Equal(
            ["2026-03-01 (none) 3.00 1", "2026-03-01 CAD 7.00 1", "2026-03-01 USD 14.75 2", "2026-03-02 USD 1.00 1"],
            await RowsAsync("select day::text || ' ' || coalesce(nullif(currency, ''), '(none)') || ' ' || gross::text || ' ' || orders from order_day_totals order by 1"));
        Assert.Equal(["2026-03-01 2", "2026-03-02 1"],
            await RowsAsync("select day::text || ' ' || customers from first_order_days order by 1"));
    }

    private async Task ExecAsync(string sql)
    {
        await using var cmd = _db.DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<List<string>> RowsAsync(string sql)
    {
        var rows = new List<string>();
        await using var cmd = _db.DataSource.CreateCommand(sql);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add(r.GetString(0));
        return rows;
    }
}
