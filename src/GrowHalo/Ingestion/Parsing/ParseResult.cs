namespace GrowHalo.Ingestion.Parsing;

/// <summary>What is wrong with one field of a record, said so a person can fix it.</summary>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>A parsed record, or the list of what is wrong with it. Never both.</summary>
public sealed record ParseResult<T>(T? Value, IReadOnlyList<FieldError> Errors) where T : class
{
    public bool IsValid => Value is not null && Errors.Count == 0;

    public static ParseResult<T> Ok(T value) => new(value, []);
    public static ParseResult<T> Invalid(IReadOnlyList<FieldError> errors) => new(null, errors);
    public static ParseResult<T> Invalid(string field, string message) => new(null, [new FieldError(field, message)]);

    public T ValueOrThrow() => Value ?? throw new FormatException(string.Join("; ", Errors));
}
