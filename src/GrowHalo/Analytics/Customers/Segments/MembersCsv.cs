using System.Globalization;
using System.Reflection;
using CsvHelper;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Platform.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Npgsql;

namespace GrowHalo.Analytics.Customers.Segments;

/// <summary>
/// Every member of a segment as CSV (RFC 4180, UTF-8, a header row, the columns of a customer row), written while the
/// rows are read: a large segment is never held in memory. When they were computed and the read models' freshness
/// travel as the headers <c>X-Computed-At</c> and <c>X-As-Of</c>. A text field that a spreadsheet would run as a
/// formula (starting with = + - @) is prefixed with ' (CSV injection).
/// </summary>
public sealed class MembersCsv(Segment segment, CustomerList.Options list, RequestTenant tenant, TenantDatabases databases, TimeProvider clock)
    : IResult, IEndpointMetadataProvider
{
    public static readonly string[] Header =
    [
        "customer_key", "shopify_customer_id", "email", "name", "city", "country", "first_order_date", "last_order_date",
        "orders_count", "lifetime_revenue", "avg_order_value", "currency", "missing_fx_rates",
    ];

    private static readonly CsvWriterOptions Options = new()
    {
        FormatProvider = CultureInfo.InvariantCulture, TrueValue = "true", FalseValue = "false", Injection = CsvInjection.Escape,
    };

    public async Task ExecuteAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        var computedAt = clock.GetUtcNow();
        var asOf = await Freshness.AsOfAsync(db, ct);
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"segment-{segment.Id}.csv\"";
        http.Response.Headers["X-Computed-At"] = computedAt.ToString("O", CultureInfo.InvariantCulture);
        if (asOf is not null) http.Response.Headers["X-As-Of"] = asOf.Value.ToString("O", CultureInfo.InvariantCulture);

        await using var csv = CsvWriter.Create(http.Response.Body, Options, leaveOpen: true);
        foreach (var name in Header) csv.WriteField(name);
        await csv.EndRecordAsync(ct);
        var currency = tenant.Tenant.Currency;
        await foreach (var row in CustomerList.AllAsync(db, list, segment.Filter(tenant.Tenant.LocalDate(computedAt)), ct))
        {
            csv.WriteField(row.CustomerKey);
            csv.WriteField(row.ShopifyCustomerId);
            csv.WriteField(row.Email);
            csv.WriteField(row.Name);
            csv.WriteField(row.City);
            csv.WriteField(row.Country);
            csv.WriteField(row.FirstOrderDate, "");
            csv.WriteField(row.LastOrderDate, "");
            csv.WriteField(row.OrdersCount, "");
            csv.WriteField(row.LifetimeRevenue, "0.00");
            csv.WriteField(row.AvgOrderValue, "0.00");
            csv.WriteField(currency);
            csv.WriteField(row.MissingFxRates);
            await csv.EndRecordAsync(ct);
        }
        await csv.FlushAsync(ct);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new AlsoAnswers(StatusCodes.Status200OK, "text/csv"));
}
