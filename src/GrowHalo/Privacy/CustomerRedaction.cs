using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace GrowHalo.Privacy;

/// <summary>
/// customers/redact: the customer's personal data becomes unreadable everywhere GrowHalo keeps it, in one transaction.
/// <list type="number">
/// <item>The raw events (the customer's records, orders, checkouts, carts, the refunds of those orders, earlier privacy
/// requests about the customer) are rewritten in place with <see cref="PersonalData.Mask"/>: a rebuild reads only
/// masked bodies, so it cannot bring anything back.</item>
/// <item>The read models get the same change now, without waiting for a rebuild: e-mails become the pseudonym, and a
/// customer known by e-mail only is re-keyed <c>email:{pseudonym}</c> in every table with a customer_key (what a rebuild
/// from the masked events would give); names, phones, addresses and places are cleared.</item>
/// <item>Earlier requests about the customer lose their e-mail, phone and export.</item>
/// </list>
/// Amounts, dates, ids and statuses stay: revenue and order counts do not change.
/// </summary>
public static class CustomerRedaction
{
    public static async Task<Redacted> RunAsync(NpgsqlConnection conn, NpgsqlTransaction tx, PrivacyRequestRow request, CancellationToken ct)
    {
        var records = await CustomerRecords.FindAsync(conn, tx, request.TenantId, request.ShopifyCustomerId, request.Email, request.OrderIds, ct);
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        PersonalData.AddKnown(known, request.Email);
        PersonalData.AddKnown(known, request.Phone);
        foreach (var e in records.Events) PersonalData.Collect(e.Payload, known);

        // One pseudonym per e-mail the customer was known by, so two guest identities never merge into one.
        var pseudonyms = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string Pseudonym(string email) => pseudonyms.TryGetValue(email.Trim(), out var p) ? p
            : pseudonyms[email.Trim()] = $"redacted-{request.Id.ToString("N")[..12]}-{pseudonyms.Count + 1}@redacted.invalid";
        foreach (var email in known.Where(k => k.Contains('@')).OrderBy(k => k, StringComparer.OrdinalIgnoreCase)) Pseudonym(email.ToLowerInvariant());

        foreach (var e in records.Events)
        {
            var data = JsonNode.Parse(e.Data.GetRawText())!.AsObject();
            data["payload"] = JsonNode.Parse(PersonalData.Mask(e.Payload, Pseudonym, known).GetRawText());
            await Exec(conn, tx, ct, "update mt_events set data = $3::jsonb where tenant_id = $1 and seq_id = $2",
                request.TenantId, e.SeqId, data.ToJsonString());
        }

        var keys = records.Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var table in await TenantTable.DiscoverAsync(conn, tx, ct))
        {
            if (!table.HasCustomerKey) continue;
            foreach (var key in records.Keys.Where(k => k.StartsWith("email:", StringComparison.Ordinal)))
            {
                var renamed = "email:" + Pseudonym(key[6..]);
                await Exec(conn, tx, ct, $"update {table.Sql} set customer_key = $3 where tenant_id = $1 and customer_key = $2",
                    request.TenantId, key, renamed);
                keys.Add(renamed);
            }
        }
        foreach (var (email, pseudonym) in pseudonyms)
        {
            await Exec(conn, tx, ct, "update customers set record_email = $3 where tenant_id = $1 and lower(record_email) = $2", request.TenantId, email, pseudonym);
            await Exec(conn, tx, ct, "update customers set order_email = $3 where tenant_id = $1 and lower(order_email) = $2", request.TenantId, email, pseudonym);
            foreach (var table in new[] { "orders", "checkouts", "carts" })
                await Exec(conn, tx, ct, $"update {table} set email = $3 where tenant_id = $1 and lower(email) = $2", request.TenantId, email, pseudonym);
        }
        await Exec(conn, tx, ct, """
            update customers set first_name = null, last_name = null, phone = null, addresses = '[]', city = null, country = null
            where tenant_id = $1 and customer_key = any($2)
            """, request.TenantId, keys.ToArray());

        await Exec(conn, tx, ct, """
            update privacy_requests set email = null, phone = null, export = null
            where tenant_id = $1 and (id = $2 or shopify_customer_id = $3 or lower(email) = $4)
            """, request.TenantId, request.Id, request.ShopifyCustomerId, request.Email?.ToLowerInvariant());
        return new Redacted(records.Events.Count, [.. known.Where(PersonalData.IsIdentifying)]);
    }

    /// <summary>What a redaction did: the events it masked, and the e-mails and phones it removed (kept in memory only, for <see cref="RedactionCheck"/>).</summary>
    public sealed record Redacted(int Events, IReadOnlyCollection<string> Identifying);

    internal static async Task Exec(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct, string sql, params object?[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a ?? DBNull.Value });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
