using System.Runtime.CompilerServices;
using System.Text.Json;
using GrowHalo.Analytics.Metrics;
using GrowHalo.Platform.Tenancy;

namespace GrowHalo.Analytics.Customers;

/// <summary>
/// A condition on a customer that narrows the list (a segment's rules): SQL over <c>customers c</c> and
/// <c>customer_scores s</c> whose values go through <paramref name="args"/>.
/// </summary>
public delegate string CustomerFilter(SqlArgs args);

/// <summary>
/// The one customer list query behind GET /api/v1/customers, /customers?segment= and a segment's members: searched by
/// e-mail or name prefix, sorted (nulls last either way), a keyset page at a time, optionally narrowed by a
/// <see cref="CustomerFilter"/>. The cursor is the last row's place in the order: rows added meanwhile do not shift
/// the pages, and a customer is never listed twice.
/// </summary>
public static class CustomerList
{
    /// <summary>Customers with their scores (none until the tenant's first scoring): what rows and filters read.</summary>
    public const string From = "customers c left join customer_scores s on (s.tenant_id, s.customer_key) = (c.tenant_id, c.customer_key)";

    public sealed record Options(string? Search, string Sort, string Order, int Limit, Cursor.Place? After);

    /// <summary>Each sort: its column and type.</summary>
    private static readonly IReadOnlyDictionary<string, (string Column, string Type)> Sorts = new Dictionary<string, (string, string)>
    {
        ["lifetime_revenue"] = ("c.lifetime_spend", "numeric"),
        ["orders_count"] = ("c.orders_count::numeric", "numeric"),
        ["last_order_date"] = ("c.last_order_day", "date"),
        ["first_order_date"] = ("c.first_order_day", "date"),
    };

    /// <summary>The list's query parameters, checked: null (and <paramref name="errors"/> says why) when unusable.</summary>
    public static Options? Read(string? search, string? sort, string? order, int? limit, string? cursor, Validation errors)
    {
        sort ??= "lifetime_revenue";
        order ??= "desc";
        var before = errors.IsValid;
        if (!Sorts.TryGetValue(sort, out var by)) errors.Add("sort", $"\"{sort}\" is not a sort. Allowed: {Validation.OneOf(Sorts.Keys)}.");
        if (order is not ("asc" or "desc")) errors.Add("order", $"\"{order}\" is not an order. Allowed: asc, desc.");
        if (limit is < 1 or > 200) errors.Add("limit", $"must be between 1 and 200 (default 50), got {limit}.");
        var after = cursor is null || by.Column is null ? null : Cursor.Read(cursor, by.Type);
        if (cursor is not null && after is null) errors.Add("cursor", "is not a cursor this endpoint gave: pass next_cursor from the previous page unchanged.");
        return before && errors.IsValid ? new Options(search is { Length: > 0 } ? search.Trim() : null, sort, order, limit ?? 50, after) : null;
    }

    /// <summary>One page, and the cursor of the next (null on the last page).</summary>
    public static async Task<(IReadOnlyList<CustomerRow> Rows, string? NextCursor)> PageAsync(TenantDb db, Options options, CustomerFilter? filter,
        CancellationToken ct)
    {
        var args = new SqlArgs();
        var sql = Query(db.TenantId, options, filter, args, paged: true);
        await using var cmd = db.Command(sql, args.Values);
        var rows = new List<(CustomerRow Row, string SortValue)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) rows.Add((CustomerRow.Read(r), r.GetString(CustomerRow.ColumnCount)));
        var size = options.Limit;
        var next = rows.Count > size ? Cursor.Write(rows[size - 1].SortValue, rows[size - 1].Row.CustomerKey) : null;
        return (rows.Take(size).Select(x => x.Row).ToList(), next);
    }

    /// <summary>Every row in the list's order, read as they are streamed (limit and cursor do not apply).</summary>
    public static async IAsyncEnumerable<CustomerRow> AllAsync(TenantDb db, Options options, CustomerFilter? filter,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var args = new SqlArgs();
        var sql = Query(db.TenantId, options, filter, args, paged: false);
        await using var cmd = db.Command(sql, args.Values);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) yield return CustomerRow.Read(r);
    }

    /// <summary>How many customers pass <paramref name="filter"/> (all of the tenant's without one).</summary>
    public static async Task<long> CountAsync(TenantDb db, CustomerFilter? filter, CancellationToken ct)
    {
        var args = new SqlArgs();
        var tenant = args.Add(db.TenantId);
        var where = filter is null ? "" : $"and ({filter(args)})";
        await using var cmd = db.Command($"select count(*) from {From} where c.tenant_id = {tenant} {where}", args.Values);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static string Query(string tenantId, Options o, CustomerFilter? filter, SqlArgs args, bool paged)
    {
        var (column, type) = Sorts[o.Sort];
        // Nulls last in both orders: a null sorts as the far end of its type ('-infinity' descending, 'infinity' ascending).
        var far = type == "date" ? (o.Order == "desc" ? "'-infinity'::date" : "'infinity'::date") : (o.Order == "desc" ? "'-Infinity'::numeric" : "'Infinity'::numeric");
        var value = $"coalesce({column}, {far})";
        var (dir, cmp) = o.Order == "desc" ? ("desc", "<") : ("asc", ">");
        var where = new List<string> { $"c.tenant_id = {args.Add(tenantId)}" };
        if (o.Search is not null)
        {
            var prefix = args.Add(EscapeLike(o.Search.ToLowerInvariant()) + "%");
            where.Add($"(lower(c.email) like {prefix} or lower(concat_ws(' ', c.first_name, c.last_name)) like {prefix} or lower(c.last_name) like {prefix})");
        }
        if (filter is not null) where.Add($"({filter(args)})");
        if (paged && o.After is not null) where.Add($"({value}, c.customer_key) {cmp} ({args.Add(o.After.Value)}::{type}, {args.Add(o.After.Key)}::text)");
        var limit = paged ? $"limit {args.Add(o.Limit + 1)}" : "";
        return $"""
            select {CustomerRow.Columns}, {value}::text
            from {From}
            where {string.Join("\n  and ", where)}
            order by {value} {dir}, c.customer_key {dir}
            {limit}
            """;
    }

    private static string EscapeLike(string text) => text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");

    /// <summary>The last row's sort value and key, opaque to clients (base64url JSON).</summary>
    public static class Cursor
    {
        public sealed record Place(string Value, string Key);

        public static string Write(string value, string key) =>
            Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new[] { value, key })).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static Place? Read(string cursor, string type)
        {
            try
            {
                var text = cursor.Replace('-', '+').Replace('_', '/');
                var json = Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='));
                if (JsonSerializer.Deserialize<string[]>(json) is not [var value, var key]) return null;
                var valid = value is "Infinity" or "-Infinity" or "infinity" or "-infinity" || (type == "date"
                    ? DateOnly.TryParseExact(value, "yyyy-MM-dd", out _)
                    : decimal.TryParse(value, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out _));
                return valid ? new Place(value, key) : null;
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                return null;
            }
        }
    }
}
