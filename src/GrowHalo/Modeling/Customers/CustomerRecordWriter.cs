using GrowHalo.Platform.Events.Projections;
using GrowHalo.Ingestion.Shopify;
using GrowHalo.Platform.Database;

namespace GrowHalo.Modeling.Customers;

/// <summary>Upserts Shopify customer records (name, e-mail, created_at, city and country); the newest updated_at wins.</summary>
internal static class CustomerRecordWriter
{
    private const string Sql = """
        insert into customers as c (tenant_id, customer_key, customer_id, record_email, first_name, last_name, created_at, record_updated_at,
            city, country)
        select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[],
            $9::text[], $10::text[])
        on conflict (tenant_id, customer_key) do update set
            customer_id = excluded.customer_id, record_email = excluded.record_email, first_name = excluded.first_name,
            last_name = excluded.last_name, created_at = excluded.created_at, record_updated_at = excluded.record_updated_at,
            city = excluded.city, country = excluded.country
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
            .WithTexts(list.Select(x => x.Customer.City)).WithTexts(list.Select(x => x.Customer.Country));
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
