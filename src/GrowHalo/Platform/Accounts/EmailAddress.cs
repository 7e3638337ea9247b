using System.Text.RegularExpressions;

namespace GrowHalo.Platform.Accounts;

/// <summary>E-mail addresses as accounts store them: trimmed and lower case, so "Ann@Shop.com " and "ann@shop.com" are one person.</summary>
public static partial class EmailAddress
{
    public const int MaxLength = 254;

    public static string Normalise(string? email) => (email ?? "").Trim().ToLowerInvariant();

    /// <summary>The normalised address, or null with what to send instead.</summary>
    public static (string? Ok, string Error) Validate(string? email)
    {
        var normalised = Normalise(email);
        if (normalised.Length == 0) return (null, "Send an e-mail address, such as ann@example.com.");
        if (normalised.Length > MaxLength) return (null, $"The e-mail address is {normalised.Length} characters long; addresses have at most {MaxLength}.");
        return Shape().IsMatch(normalised) ? (normalised, "") : (null, "This is not an e-mail address. Send one such as ann@example.com.");
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex Shape();
}
