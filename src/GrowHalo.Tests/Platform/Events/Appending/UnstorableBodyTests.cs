using System.Text;
using System.Text.Json;
using GrowHalo.Ingestion;
using GrowHalo.Platform.Events;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Platform.Events.Appending;

/// <summary>
/// Bodies are stored as jsonb, whose strings are PostgreSQL text, so the store refuses the two escapes text cannot hold
/// (\u0000 and half a UTF-16 pair) itself, before writing anything, in a small append and a large one alike.
/// </summary>
public sealed class UnstorableBodyTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private EventAppender Store => db.Appender;

    /// <summary>A record whose payload is the JSON text given, escapes as written (a parsed JsonElement keeps its raw text).</summary>
    private static NewEvent Record(string tenant, int id, string noteJson) =>
        GrowHalo.Tests.Modeling.SourceRecords.Event(tenant, $"shopify:order:{id}", $"order:{id}", SourceEventTypes.ShopifyOrder,
            JsonElement.Parse($$"""{"id": {{id}}, "note": {{noteJson}}}"""));

    // The old second case was CopyThreshold + 10 (the bulk path); Marten has one path, so it is now a large append.
    [Theory]
    [InlineData(1)]
    [InlineData(60)]
    public async Task an_append_holding_one_unstorable_body_stores_nothing_and_names_the_event(int count)
    {
        var tenant = "t-" + Guid.NewGuid();
        var events = Enumerable.Range(1, count).Select(i => Record(tenant, i, "\"fine\"")).ToList();
        events[^1] = Record(tenant, count, "\"a \\u0000 inside\"");

        var error = await Assert.ThrowsAsync<UnstorableEventException>(() => Store.AppendAsync(tenant, events));

        Assert.Equal($"shopify:order:{count}", error.StreamId);
        Assert.Equal(events[^1].Id, error.EventId);
        Assert.Contains(events[^1].Id.ToString(), error.Message);
        Assert.Contains("\\u0000 (a NUL character)", error.Message);
        Assert.Equal(0, await db.StoredEventCountAsync(tenant));
        Assert.Equal(0, await db.StreamCountAsync(tenant));
    }

    [Fact]
    public async Task an_unstorable_body_in_the_callers_transaction_is_refused_before_anything_is_written()
    {
        var tenant = "t-" + Guid.NewGuid();
        await using var conn = await db.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var events = new List<NewEvent> { Record(tenant, 1, "\"fine\""), Record(tenant, 2, "\"half a pair \\udc00\"") };

        var error = await Assert.ThrowsAsync<UnstorableEventException>(() => db.Appender.AppendAsync(tx, tenant, events));

        Assert.Equal("shopify:order:2", error.StreamId);
        Assert.Contains("\\udc00, the second half", error.Message);
        // Refused before any write: the caller's transaction is still usable and holds none of the append's events.
        await using (var cmd = new Npgsql.NpgsqlCommand("select count(*) from mt_events where tenant_id = $1", conn, tx) { Parameters = { new() { Value = tenant } } })
            Assert.Equal(0L, await cmd.ExecuteScalarAsync());
        await tx.CommitAsync();
        Assert.Equal(0, await db.StoredEventCountAsync(tenant));
    }

    // Was: ..._are_stored_verbatim_and_read_back_as_text. The old store kept bodies as json text, escapes and all;
    // Marten keeps jsonb, which stores the characters the escapes stand for, so "verbatim" is gone. What a reader gets
    // back, the text the escapes meant, is what is checked.
    [Fact]
    public async Task escapes_postgresql_text_can_hold_are_stored_and_read_back_as_the_text_they_stand_for()
    {
        var tenant = "t-" + Guid.NewGuid();
        const string note = "\"C:\\\\u0000 is a folder, \\ud83c\\udf81 a gift, \\u00e9t\\u00E9\"";
        const string text = "C:\\u0000 is a folder, \U0001F381 a gift, été";

        var result = await Store.AppendAsync(tenant, [Record(tenant, 1, note)]);

        Assert.Equal(1, result.Appended);
        var stored = Assert.Single(await db.DataSource.ReadStreamAsync(tenant, "shopify:order:1"));
        Assert.Equal(text, stored.Data.GetProperty("payload").GetProperty("note").GetString());
        Assert.Equal(1, await db.ScalarAsync("select count(*) from mt_events where tenant_id = $1 and data->'payload'->>'note' = $2", tenant, text));
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
