using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace GrowHalo.Dashboard.Pages;

public sealed record DashboardAsset(string Name, byte[] Content, string ContentType, EntityTagHeaderValue ETag);

/// <summary>
/// The built front end (wwwroot/dashboard, produced by Dashboard/ui at build time) embedded in the executable as
/// <c>dashboard/NAME</c> resources, so it is served offline and whatever the working directory.
/// </summary>
public sealed class DashboardAssets
{
    private const string Prefix = "dashboard/";
    private readonly Dictionary<string, DashboardAsset> _assets;

    public DashboardAssets() : this(typeof(DashboardAssets).Assembly) { }

    internal DashboardAssets(System.Reflection.Assembly assembly)
    {
        var types = new FileExtensionContentTypeProvider();
        _assets = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                var name = n[Prefix.Length..];
                var type = types.TryGetContentType(name, out var t) ? t : "application/octet-stream";
                if (type.StartsWith("text/", StringComparison.Ordinal) || type.EndsWith("javascript", StringComparison.Ordinal)) type += "; charset=utf-8";
                var tag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(copy.ToArray()))[..16]}\"");
                return new DashboardAsset(name, copy.ToArray(), type, tag);
            })
            .ToDictionary(a => a.Name, StringComparer.Ordinal);
    }

    /// <summary>False when the executable was built without the front end (no Node.js, or SkipDashboardUi).</summary>
    public bool Built => _assets.ContainsKey("index.html");

    public DashboardAsset? Find(string name) => _assets.GetValueOrDefault(name);
}
