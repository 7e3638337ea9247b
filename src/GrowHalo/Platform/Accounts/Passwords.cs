using Microsoft.AspNetCore.Identity;

namespace GrowHalo.Platform.Accounts;

/// <summary>
/// What a password may be, and how it is stored. Hashing is ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>
/// (PBKDF2-HMAC-SHA512, 100,000 iterations, a random salt per hash, a versioned format that says when a hash should be
/// redone): it ships with the shared framework GrowHalo already runs on, Microsoft keeps it, and it needs no native code.
/// </summary>
public sealed class Passwords(IPasswordHasher<Passwords.Account> hasher)
{
    /// <summary>The hasher's user type; the hash does not depend on it.</summary>
    public sealed record Account;

    public const int MinLength = 12;
    public const int MaxLength = 256;
    private static readonly Account Anyone = new();

    private static readonly Lazy<HashSet<string>> Common = new(() =>
    {
        using var stream = typeof(Passwords).Assembly.GetManifestResourceStream("GrowHalo.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-passwords list is not embedded.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0 && !line.StartsWith('#')) set.Add(line.Trim());
        return set;
    });

    // A hash of a password nobody has: verified for unknown e-mails so they take as long as wrong passwords.
    private readonly Lazy<string> _dummy = new(() => hasher.HashPassword(Anyone, Convert.ToBase64String(Guid.NewGuid().ToByteArray())));

    /// <summary>Null when <paramref name="password"/> may be used, else what to choose instead (never echoing it).</summary>
    public static string? Problem(string? password, string email)
    {
        if (string.IsNullOrEmpty(password)) return $"Send a password of at least {MinLength} characters.";
        if (password.Length < MinLength) return $"The password has {password.Length} characters; use at least {MinLength}. A few unrelated words make a long password easy to remember.";
        if (password.Length > MaxLength) return $"The password has {password.Length} characters; use at most {MaxLength}.";
        if (Common.Value.Contains(password) || password.Distinct().Count() <= 2)
            return "This password is one of the most common ones and is guessed first. Choose another.";
        if (email.Length > 0 && password.Contains(email.Split('@')[0], StringComparison.OrdinalIgnoreCase) && email.Split('@')[0].Length >= 4)
            return "The password contains your e-mail address. Choose one that does not.";
        return null;
    }

    public string Hash(string password) => hasher.HashPassword(Anyone, password);

    public bool Verify(string hash, string password) => hasher.VerifyHashedPassword(Anyone, hash, password) != PasswordVerificationResult.Failed;

    /// <summary>Spends the time a real verification takes, for an e-mail with no account.</summary>
    public void VerifyDummy(string password) => hasher.VerifyHashedPassword(Anyone, _dummy.Value, password);
}
