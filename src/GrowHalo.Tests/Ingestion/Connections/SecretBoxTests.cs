using System.Security.Cryptography;
using GrowHalo.Ingestion.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrowHalo.Tests.Ingestion.Connections;

public sealed class SecretBoxTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "growhalo-secretbox-" + Guid.NewGuid().ToString("N"));

    private static SecretBox Box(params (string Key, string Value)[] settings) => new(
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build(),
        NullLogger<SecretBox>.Instance);

    [Fact]
    public void a_sealed_secret_opens_only_with_the_same_key_and_context()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var box = Box((SecretBox.KeyVariable, key));
        var a = box.Seal("shpss_123", "con_1/Webhook");
        var b = box.Seal("shpss_123", "con_1/Webhook");

        Assert.NotEqual(a, b); // fresh nonce each time
        Assert.Equal("shpss_123", box.Open(a, "con_1/Webhook"));
        Assert.Equal("shpss_123", Box((SecretBox.KeyVariable, key)).Open(b, "con_1/Webhook"));
        Assert.ThrowsAny<CryptographicException>(() => box.Open(a, "con_2/Webhook"));
        Assert.ThrowsAny<CryptographicException>(() => Box((SecretBox.KeyVariable, Convert.ToBase64String(new byte[32]))).Open(a, "con_1/Webhook"));
        a[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => box.Open(a, "con_1/Webhook"));
    }

    [Fact]
    public void without_a_configured_key_a_key_file_is_created_once_readable_by_its_owner_only_and_reused()
    {
        var file = Path.Combine(_dir, "nested", "secret.key");
        var sealedValue = Box((SecretBox.KeyFileVariable, file)).Seal("token", "ctx");

        Assert.True(File.Exists(file));
        Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(file).Trim()).Length);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal("token", Box((SecretBox.KeyFileVariable, file)).Open(sealedValue, "ctx"));
    }

    [Fact]
    public void a_malformed_master_key_is_refused_with_how_to_make_one()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Box((SecretBox.KeyVariable, "c2hvcnQ=")).Seal("x", "y"));
        Assert.Contains("openssl rand -base64 32", e.Message);
    }

    [Fact]
    public void the_default_key_file_sits_in_the_growhalo_data_folder_beside_the_database()
    {
        var dataFolder = Path.GetDirectoryName(GrowHalo.Platform.Database.LocalPostgresOptions.DefaultDataDirectory());
        Assert.Equal(Path.Combine(dataFolder!, "secret.key"), SecretBox.DefaultKeyFile());
    }

    [Theory]
    [InlineData("shopify", "https://Acme.MyShopify.com/", "acme.myshopify.com")]
    [InlineData("meta", "act_000123", "000123")]
    [InlineData("google", "123-456-7890", "1234567890")]
    [InlineData("google", "acme", null)]
    [InlineData("shopify", "acme shop", null)]
    public void account_ids_have_one_spelling_per_platform(string source, string raw, string? expected) =>
        Assert.Equal(expected, AccountIds.Normalize(source, raw));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
