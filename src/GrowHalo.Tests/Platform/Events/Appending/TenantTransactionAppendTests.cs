using GrowHalo.Platform.Events;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Infrastructure;
using Npgsql;

namespace GrowHalo.Tests.Platform.Events.Appending;

/// <summary>
/// Appends inside a transaction that took one tenant's role (TenantDb, as request code does): Marten's session enlists
/// in that transaction, stores only that tenant's events, sees only that tenant's ids when it looks for duplicates,
/// and hands the transaction back in the tenant's role for the request's other writes.
/// </summary>
public sealed class TenantTransactionAppendTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static List<NewEvent> Orders(string tenant, int count) => Enumerable.Range(0, count)
        .Select(i => AppendingDb.Record(tenant, $"shopify:order:{i}", $"order:{i}:v1", new { id = i })).ToList();

    private static async Task AssertStillInTheTenantRoleAsync(TenantDb tdb, string tenant)
    {
        await using var who = tdb.Command($"select current_user::text, current_setting('{TenantDb.TenantSetting}', true)");
        await using var r = await who.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal(TenantDb.Role, r.GetString(0));
        Assert.Equal(tenant, r.GetString(1));
    }

    [Fact]
    public async Task a_large_append_in_a_tenant_transaction_is_stored_and_the_transaction_keeps_the_tenant_role()
    {
        var tenant = "t-" + Guid.NewGuid();
        await using var tdb = await TenantDb.BeginAsync(db.DataSource, tenant);
        var result = await db.Appender.AppendAsync(tdb.Transaction, tenant, Orders(tenant, 80));
        await AssertStillInTheTenantRoleAsync(tdb, tenant);
        await tdb.CommitAsync();

        Assert.Equal(80, result.Appended);
        Assert.Equal(80, await db.StoredEventCountAsync(tenant));
    }

    [Fact]
    public async Task a_tenant_transaction_cannot_append_another_tenants_events_in_bulk_or_one_by_one()
    {
        string mine = "t-" + Guid.NewGuid(), theirs = "t-" + Guid.NewGuid();
        foreach (var count in new[] { 80, 1 })
        {
            await using var tdb = await TenantDb.BeginAsync(db.DataSource, mine);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => db.Appender.AppendAsync(tdb.Transaction, theirs, Orders(theirs, count)));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        Assert.Equal(0, await db.StoredEventCountAsync(theirs));
        Assert.Equal(0, await db.StreamCountAsync(theirs));
        Assert.Equal(0, await db.StoredEventCountAsync(mine));
    }

    // Was: a_large_append_that_falls_back_to_the_full_check_still_ends_in_the_tenant_role. The fallback (from the bulk
    // path's plan to the full check when an id was stored under another stream) is gone; the promise kept is the
    // user's: under the tenant's role, an id stored before is found, reported a duplicate, and the rest are stored.
    [Fact]
    public async Task an_append_in_a_tenant_transaction_reports_an_id_stored_under_another_stream_as_a_duplicate_and_keeps_the_tenant_role()
    {
        var tenant = "t-" + Guid.NewGuid();
        var stored = AppendingDb.Record(tenant, "shopify:order:1", "order:1:stored", new { id = 1 });
        await db.Appender.AppendAsync(tenant, [stored]);
        var batch = Orders(tenant, 80).Select(e => e with { StreamId = e.StreamId.Replace("order:", "order:new-") }).ToList();
        batch[5] = stored with { StreamId = "shopify:order:elsewhere" };

        await using var tdb = await TenantDb.BeginAsync(db.DataSource, tenant);
        var result = await db.Appender.AppendAsync(tdb.Transaction, tenant, batch);
        await AssertStillInTheTenantRoleAsync(tdb, tenant);
        await tdb.CommitAsync();

        Assert.Equal(79, result.Appended);
        Assert.Equal(AppendStatus.Duplicate, result.Events[5].Status);
        Assert.Equal(80, await db.StoredEventCountAsync(tenant));
        Assert.Empty(await db.DataSource.ReadStreamAsync(tenant, "shopify:order:elsewhere"));
    }
}
