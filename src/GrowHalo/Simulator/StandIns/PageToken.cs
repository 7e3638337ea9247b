using System.Text;
using System.Text.Json;

namespace GrowHalo.Simulator.StandIns;

/// <summary>Opaque cursors the stand-ins hand out (base64url JSON), as the platforms' page_info and after values are.</summary>
internal static class PageToken
{
    public static string Encode<T>(T value) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(value)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static T? Decode<T>(string? token) where T : class
    {
        if (string.IsNullOrEmpty(token)) return null;
        try
        {
            var s = token.Replace('-', '+').Replace('_', '/');
            s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
            return JsonSerializer.Deserialize<T>(Encoding.UTF8.GetString(Convert.FromBase64String(s)));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}
