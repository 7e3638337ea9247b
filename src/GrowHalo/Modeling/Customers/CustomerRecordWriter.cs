using GrowHalo.Platform.Events.Projections;
using GrowHalo.Ingestion.Shopify;
using GrowHalo.Platform.Database;
using GrowHalo.Platform.Events;
using System.Text.Json;
using NpgsqlTypes;

namespace GrowHalo.Modeling.Customers;

/// <summary>
/// Upserts Shopify customer records (name, e-mail, created_at, city and country, tags, marketing consent, phone and
/// addresses); the newest updated_at wins. Addresses are stored as a JSON array of
/// <c>{address1, address2, city, province, country_code, zip, default}</c> (<see cref="ShopifyAddress"/>).
/// </summary>
internal static class CustomerRecordWriter
{
    private const string Sql = """
        insert into customers as c (tenant_id, customer_key, customer_id, record_email, first_name, last_name, created_at, record_updated_at,
            city, country, tags, accepts_marketing, phone, addresses)
        select i.tenant_id, i.customer_key, i.customer_id, i.record_email, i.first_name, i.last_name, i.created_at, i.record_updated_at,
            i.city, i.country, coalesce(array(select jsonb_array_elements_text(i.tags)), '{}'), i.accepts_marketing, i.phone, i.addresses
        from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[],
            $9::text[], $10::text[], $11::jsonb[], $12::boolean[], $13::text[], $14::jsonb[])
            as i(tenant_id, customer_key, customer_id, record_email, first_name, last_name, created_at, record_updated_at,
                 city, country, tags, accepts_marketing, phone, addresses)
        on conflict (tenant_id, customer_key) do update set
            customer_id = excluded.customer_id, record_email = excluded.record_email, first_name = excluded.first_name,
            last_name = excluded.last_name, created_at = excluded.created_at, record_updated_at = excluded.record_updated_at,
            city = excluded.city, country = excluded.country, tags = excluded.tags, accepts_marketing = excluded.accepts_marketing,
            phone = excluded.phone, addresses = excluded.addresses
        where c.record_updated_at is null or excluded.record_updated_at > c.record_updated_at
        """;

    public static async Task WriteAsync(ProjectionContext context, IReadOnlyCollection<KeyValuePair<(string Tenant, string Id), ShopifyCustomer>> customers, CancellationToken ct)
    {
        if (customers.Count == 0) return;
        // In key order, as customers' facts are recomputed: two batches that share customers lock them in one order.
        var list = customers.OrderBy(c => c.Key.Tenant, StringComparer.Ordinal).ThenBy(c => c.Value.Key, StringComparer.Ordinal)
            .Select(c => (c.Key.Tenant, Customer: c.Value)).ToList();
        await using var cmd = context.Command(Sql)
            .WithTexts(list.Select(x => x.Tenant)).WithTexts(list.Select(x => x.Customer.Key)).WithTexts(list.Select(x => x.Customer.Id))
            .WithTexts(list.Select(x => x.Customer.Email)).WithTexts(list.Select(x => x.Customer.FirstName))
            .WithTexts(list.Select(x => x.Customer.LastName)).WithTimestamps(list.Select(x => x.Customer.CreatedAt))
            .WithTimestamps(list.Select(x => x.Customer.UpdatedAt))
            .WithTexts(list.Select(x => x.Customer.City)).WithTexts(list.Select(x => x.Customer.Country))
            // Tags go as a JSON array each: a text[] per customer inside one array parameter would have to be rectangular.
            .WithJsonArray(list.Select(x => JsonSerializer.SerializeToUtf8Bytes(x.Customer.Tags, EventJson.Options)))
            .With(list.Select(x => x.Customer.AcceptsMarketing).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Boolean)
            .WithTexts(list.Select(x => x.Customer.Phone))
            .WithJsonArray(list.Select(x => JsonSerializer.SerializeToUtf8Bytes(x.Customer.Addresses, EventJson.Options)));
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
