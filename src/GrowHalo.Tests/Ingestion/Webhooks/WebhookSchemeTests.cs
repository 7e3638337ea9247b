using System.Text;
using GrowHalo.Ingestion.Webhooks;

namespace GrowHalo.Tests.Ingestion.Webhooks;

public sealed class WebhookSchemeTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"id\":820982911946154508,\"email\":\"jon@example.com\"}");

    [Fact]
    public void shopify_signatures_are_base64_hmacs_of_the_raw_body()
    {
        var scheme = WebhookScheme.For("shopify");
        var signature = IngestionApp.HmacBase64("hush", Encoding.UTF8.GetString(Body));
        Assert.True(scheme.Verify("hush", Body, signature));
        Assert.False(scheme.Verify("hush", Encoding.UTF8.GetBytes("{\"id\": 820982911946154508,\"email\":\"jon@example.com\"}"), signature));
        Assert.False(scheme.Verify("other", Body, signature));
        Assert.False(scheme.Verify("hush", Body, signature[..^4]));
        Assert.False(scheme.Verify("hush", Body, "%%%"));
        Assert.False(scheme.Verify("hush", Body, null));
    }

    [Theory]
    [InlineData("meta")]
    [InlineData("google")]
    public void meta_and_google_signatures_are_sha256_prefixed_hex_hmacs(string source)
    {
        var scheme = WebhookScheme.For(source);
        var signature = IngestionApp.HmacHex("hush", Encoding.UTF8.GetString(Body));
        Assert.True(scheme.Verify("hush", Body, signature));
        Assert.True(scheme.Verify("hush", Body, "SHA256=" + signature[7..].ToUpperInvariant()));
        Assert.False(scheme.Verify("hush", Body, signature[7..]));
        Assert.False(scheme.Verify("hush", Body, "sha256=zz"));
        Assert.Equal(signature, scheme.Sign("hush", Body));
    }
}
