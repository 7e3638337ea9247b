using System.Security.Cryptography;
using System.Text;
using GrowHalo.Platform.Database;

namespace GrowHalo.Ingestion.Connections;

/// <summary>
/// Seals connection secrets (webhook secrets, API tokens) for storage with AES-256-GCM. The 32-byte master key is
/// GROWHALO_SECRET_KEY (base64) when set, else the file GROWHALO_SECRET_KEY_FILE, else <c>secret.key</c> in the
/// GrowHalo data folder (the parent of the local database's folder), created on first use, readable by its owner only.
/// Sealed form: version byte 1 | 12-byte nonce | 16-byte tag | ciphertext. The associated data binds a sealed value to
/// its row and column, so a value copied into another row does not open.
/// </summary>
public sealed class SecretBox(IConfiguration configuration, ILogger<SecretBox> logger)
{
    public const string KeyVariable = "GROWHALO_SECRET_KEY";
    public const string KeyFileVariable = "GROWHALO_SECRET_KEY_FILE";
    private const byte Version = 1;
    private readonly Lazy<byte[]> _key = new(() => LoadKey(configuration, logger));

    public byte[] Seal(string plaintext, string context)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var sealedValue = new byte[1 + 12 + 16 + plain.Length];
        sealedValue[0] = Version;
        var nonce = sealedValue.AsSpan(1, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key.Value, 16);
        aes.Encrypt(nonce, plain, sealedValue.AsSpan(29), sealedValue.AsSpan(13, 16), Encoding.UTF8.GetBytes(context));
        return sealedValue;
    }

    public string Open(byte[] sealedValue, string context)
    {
        if (sealedValue.Length < 29 || sealedValue[0] != Version)
            throw new CryptographicException("The stored secret is not in a format this GrowHalo understands.");
        var plain = new byte[sealedValue.Length - 29];
        using var aes = new AesGcm(_key.Value, 16);
        aes.Decrypt(sealedValue.AsSpan(1, 12), sealedValue.AsSpan(29), sealedValue.AsSpan(13, 16), plain, Encoding.UTF8.GetBytes(context));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>
    /// A secret for <paramref name="purpose"/> derived from the master key (HMAC-SHA256, hex): the same in every process
    /// that shares the key, never stored. The demo's Shopify app secret is one.
    /// </summary>
    public string Derive(string purpose) => Convert.ToHexStringLower(HMACSHA256.HashData(_key.Value, Encoding.UTF8.GetBytes(purpose)));

    public static string DefaultKeyFile() =>
        Path.Combine(Path.GetDirectoryName(LocalPostgresOptions.DefaultDataDirectory())!, "secret.key");

    private static byte[] LoadKey(IConfiguration configuration, ILogger logger)
    {
        var configured = configuration[KeyVariable];
        if (!string.IsNullOrWhiteSpace(configured)) return Decode(configured, KeyVariable);
        var file = configuration[KeyFileVariable] is { Length: > 0 } f ? f : DefaultKeyFile();
        if (File.Exists(file)) return Decode(File.ReadAllText(file), file);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var stream = new FileStream(file, options);
            stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n"));
        }
        catch (IOException) when (File.Exists(file))
        {
            return Decode(File.ReadAllText(file), file); // another process created it first
        }
        logger.LogWarning("Created the secrets master key {File}. Back it up: connection secrets cannot be read without it", file);
        return key;
    }

    private static byte[] Decode(string base64, string where)
    {
        byte[] key;
        try { key = Convert.FromBase64String(base64.Trim()); }
        catch (FormatException) { key = []; }
        return key.Length == 32 ? key : throw new InvalidOperationException(
            $"The secrets master key in {where} must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`).");
    }
}
