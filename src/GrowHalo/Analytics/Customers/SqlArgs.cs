namespace GrowHalo.Analytics.Customers;

/// <summary>
/// Positional parameters collected while a query is put together from parts (the customer list and a segment's rules):
/// <see cref="Add"/> keeps a value and answers its placeholder (<c>$3</c>), so no input is ever written into the SQL.
/// </summary>
public sealed class SqlArgs
{
    private readonly List<object?> _values = [];

    public string Add(object? value)
    {
        _values.Add(value);
        return "$" + _values.Count;
    }

    public object?[] Values => [.. _values];
}
