using System.Text;
using System.Text.Json;

namespace GrowHalo.Ingestion.Parsing;

/// <summary>Names the place of a byte in a JSON document the way field errors do: <c>line_items[0].title</c>.</summary>
public static class JsonPaths
{
    /// <summary>The path of the property name or string value that spans <paramref name="offset"/>; "" if none does.</summary>
    public static string At(ReadOnlySpan<byte> utf8, int offset)
    {
        var frames = new List<(bool IsArray, string Name, int Index)>();
        var reader = new Utf8JsonReader(utf8);
        while (reader.Read())
        {
            var spans = offset >= reader.TokenStartIndex && offset < reader.BytesConsumed;
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    // The raw (escaped) name: it may hold the very escape that cannot be decoded.
                    frames[^1] = frames[^1] with { Name = Encoding.UTF8.GetString(reader.ValueSpan) };
                    if (spans) return Join(frames);
                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    NextElement(frames);
                    frames.Add((reader.TokenType == JsonTokenType.StartArray, "", -1));
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    frames.RemoveAt(frames.Count - 1);
                    break;
                default:
                    NextElement(frames);
                    if (spans) return Join(frames);
                    break;
            }
        }
        return "";
    }

    private static void NextElement(List<(bool IsArray, string Name, int Index)> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray) frames[^1] = frames[^1] with { Index = frames[^1].Index + 1 };
    }

    private static string Join(List<(bool IsArray, string Name, int Index)> frames)
    {
        var path = new StringBuilder();
        foreach (var (isArray, name, index) in frames)
        {
            if (isArray) path.Append('[').Append(index).Append(']');
            else if (name.Length > 0) path.Append(path.Length == 0 ? "" : ".").Append(name);
        }
        return path.ToString();
    }
}
