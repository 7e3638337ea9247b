using GrowHalo.EventStore;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Infrastructure;
using Npgsql;

namespace GrowHalo.Tests.EventStore.Appending;

/// <summary>
/// Appends inside a transaction that took one tenant's role (TenantDb, as request code does): the bulk path's COPY,
/// which PostgreSQL runs only outside row-level security, still stores only that tenant's events and hands the
/// transaction back in the tenant's role.
/// </summary>
public sealed class TenantTransactionAppendTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static List<NewEvent> Orders(string tenant, int count) => Enumerable.Range(0, count)
        .Select(i => NewEvent.Create(tenant, $"shopify:order:{i}", $"order:{i}:v1", "test_order_received", new { id = i })).ToList();

    [Fact]
    public async Task a_large_append_in_a_tenant_transaction_is_stored_and_the_transaction_keeps_the_tenant_role()
    {
        var tenant = "t-" + Guid.NewGuid();
        await using var tdb = await TenantDb.BeginAsync(db.DataSource, tenant);
        var result = await GrowHalo.EventStore.EventStore.AppendAsync(tdb.Transaction, tenant, Orders(tenant, 80));
        await using (var who = tdb.Command("select current_user::text"))
            Assert.Equal(TenantDb.Role, await who.ExecuteScalarAsync());
        await tdb.CommitAsync();

        Assert.Equal(80, result.Appended);
        Assert.Equal(80, await db.ScalarAsync("select count(*) from events where tenant_id = $1", tenant));
    }

    [Fact]
    public async Task a_tenant_transaction_cannot_append_another_tenants_events_in_bulk_or_one_by_one()
    {
        string mine = "t-" + Guid.NewGuid(), theirs = "t-" + Guid.NewGuid();
        foreach (var count in new[] { 80, 1 })
        {
            await using var tdb = await TenantDb.BeginAsync(db.DataSource, mine);
            await Assert.ThrowsAsync<PostgresException>(() => GrowHalo.EventStore.EventStore.AppendAsync(tdb.Transaction, theirs, Orders(theirs, count)));
        }
        Assert.Equal(0, await db.ScalarAsync("select count(*) from events where tenant_id = $1", theirs));
    }

    [Fact]
    public async Task a_large_append_that_falls_back_to_the_full_check_still_ends_in_the_tenant_role()
    {
        var tenant = "t-" + Guid.NewGuid();
        var stored = NewEvent.Create(tenant, "shopify:order:1", "order:1:stored", "test_order_received", new { id = 1 });
        await new GrowHalo.EventStore.EventStore(db.DataSource).AppendAsync(tenant, [stored]);
        var batch = Orders(tenant, 80).Select(e => e with { StreamId = e.StreamId.Replace("order:", "order:new-") }).ToList();
        batch[5] = stored with { StreamId = "shopify:order:elsewhere" };

        await using var tdb = await TenantDb.BeginAsync(db.DataSource, tenant);
        var result = await GrowHalo.EventStore.EventStore.AppendAsync(tdb.Transaction, tenant, batch);
        await using (var who = tdb.Command("select current_user::text"))
            Assert.Equal(TenantDb.Role, await who.ExecuteScalarAsync());
        await tdb.CommitAsync();

        Assert.Equal(79, result.Appended);
        Assert.Equal(AppendStatus.Duplicate, result.Events[5].Status);
        Assert.Equal(80, await db.ScalarAsync("select count(*) from events where tenant_id = $1", tenant));
    }
}
