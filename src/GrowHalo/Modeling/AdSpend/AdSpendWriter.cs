using GrowHalo.Platform.Events.Projections;
using GrowHalo.Ingestion;
using GrowHalo.Platform.Database;

namespace GrowHalo.Modeling.AdSpend;

/// <summary>
/// Holds the latest restatement of each (platform, account, campaign, day): the row that arrived last replaces what
/// was there, whatever its values, because platforms restate recent days up and down.
/// </summary>
internal static class AdSpendWriter
{
    private const string Sql = """
        insert into ad_spend as a (tenant_id, platform, account_id, campaign_id, day, campaign_name, spend, impressions,
            clicks, conversions, conversion_value, currency)
        select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::text[], $7::numeric[],
            $8::bigint[], $9::bigint[], $10::numeric[], $11::numeric[], $12::text[])
        on conflict (tenant_id, platform, account_id, campaign_id, day) do update set
            campaign_name = excluded.campaign_name, spend = excluded.spend, impressions = excluded.impressions,
            clicks = excluded.clicks, conversions = excluded.conversions, conversion_value = excluded.conversion_value,
            currency = excluded.currency
        """;

    /// <summary>Returns the (tenant, day)s written.</summary>
    public static async Task<IEnumerable<(string Tenant, DateOnly Day)>> WriteAsync(ProjectionContext context,
        IReadOnlyCollection<KeyValuePair<(string Tenant, string Platform, string Account, string Campaign, DateOnly Day), AdSpendRow>> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return [];
        var list = rows.Select(r => (r.Key.Tenant, r.Key.Account, Row: r.Value)).ToList();
        await using var cmd = context.Command(Sql)
            .WithTexts(list.Select(x => x.Tenant)).WithTexts(list.Select(x => x.Row.Platform)).WithTexts(list.Select(x => x.Account))
            .WithTexts(list.Select(x => x.Row.CampaignId)).With(list.Select(x => x.Row.Date).ToArray())
            .WithTexts(list.Select(x => x.Row.CampaignName)).With(list.Select(x => x.Row.Spend).ToArray())
            .With(list.Select(x => x.Row.Impressions).ToArray()).With(list.Select(x => x.Row.Clicks).ToArray())
            .With(list.Select(x => x.Row.Conversions).ToArray()).With(list.Select(x => x.Row.ConversionValue).ToArray())
            .WithTexts(list.Select(x => x.Row.Currency));
        await cmd.ExecuteNonQueryAsync(ct);
        return list.Select(x => (x.Tenant, x.Row.Date));
    }
}
