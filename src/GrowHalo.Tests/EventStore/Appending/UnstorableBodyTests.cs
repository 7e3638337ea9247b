using System.Text;
using GrowHalo.EventStore;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.EventStore.Appending;

/// <summary>
/// Bodies are stored as the JSON text they are, so the store itself refuses the two escapes PostgreSQL text cannot
/// hold (\u0000 and half a UTF-16 pair), before writing anything, on the small and the bulk path alike.
/// </summary>
public sealed class UnstorableBodyTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private GrowHalo.EventStore.EventStore Store => new(db.DataSource);

    private static NewEvent Record(string tenant, int id, string noteJson) =>
        NewEvent.FromUtf8(tenant, $"shopify:order:{id}", $"order:{id}", "test_order_received",
            Encoding.UTF8.GetBytes($$"""{"id": {{id}}, "note": {{noteJson}}}"""));

    [Theory]
    [InlineData(1)]
    [InlineData(GrowHalo.EventStore.EventStore.CopyThreshold + 10)]
    public async Task an_append_holding_one_unstorable_body_stores_nothing_and_names_the_event(int count)
    {
        var tenant = "t-" + Guid.NewGuid();
        var events = Enumerable.Range(1, count).Select(i => Record(tenant, i, "\"fine\"")).ToList();
        events[^1] = Record(tenant, count, "\"a \\u0000 inside\"");

        var error = await Assert.ThrowsAsync<UnstorableEventException>(() => Store.AppendAsync(tenant, events));

        Assert.Equal($"shopify:order:{count}", error.StreamId);
        Assert.Contains("\\u0000 (a NUL character)", error.Message);
        Assert.Equal(0, await db.ScalarAsync("select count(*) from events where tenant_id = $1", tenant));
        Assert.Equal(0, await db.ScalarAsync("select count(*) from streams where tenant_id = $1", tenant));
    }

    [Fact]
    public async Task escapes_postgresql_text_can_hold_are_stored_verbatim_and_read_back_as_text()
    {
        var tenant = "t-" + Guid.NewGuid();
        const string note = "\"C:\\\\u0000 is a folder, \\ud83c\\udf81 a gift, \\u00e9t\\u00E9\"";

        await Store.AppendAsync(tenant, [Record(tenant, 1, note)]);

        var stored = Assert.Single(await Store.ReadStreamAsync(tenant, "shopify:order:1"));
        Assert.Equal("C:\\u0000 is a folder, \U0001F381 a gift, été", stored.Data.GetProperty("note").GetString());
        Assert.Equal(1, await db.ScalarAsync("select count(*) from events where tenant_id = $1 and data::text like '%\\\\ud83c\\\\udf81%'", tenant));
    }

    [Theory]
    [InlineData("\"\\u0000\"", 1, "\\u0000 (a NUL character)")]
    [InlineData("\"ab\\ud800\"", 3, "\\ud800, the first half")]
    [InlineData("\"\\uD800\\u0041\"", 1, "\\ud800, the first half")]
    [InlineData("\"\\udc00\"", 1, "\\udc00, the second half")]
    [InlineData("{\"\\\\\\u0000\": 1}", 4, "\\u0000")]
    public void the_problem_names_the_escape_and_where_it_starts(string json, int offset, string reason)
    {
        var problem = StorableJson.FindProblem(Encoding.UTF8.GetBytes(json));

        Assert.NotNull(problem);
        Assert.Equal(offset, problem.Value.Offset);
        Assert.Contains(reason, problem.Value.Reason);
    }

    [Theory]
    [InlineData("\"plain\"")]
    [InlineData("\"\\\\u0000\"")]
    [InlineData("\"\\ud83c\\udf81\"")]
    [InlineData("\"\\\\\\\\ud800\"")]
    [InlineData("\"\\n\\t\\\"\\/\"")]
    public void text_postgresql_can_hold_has_no_problem(string json) =>
        Assert.Null(StorableJson.FindProblem(Encoding.UTF8.GetBytes(json)));
}
