using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace GrowHalo.Tests.Dashboard.Browser;

/// <summary>Reads what the page shows: KPI cards, chart canvases, table rows.</summary>
public static class PageProbe
{
    public static readonly CultureInfo EnUs = CultureInfo.GetCultureInfo("en-US");

    /// <summary>A number as JavaScript prints it (no trailing zeros), to wait for a card to show an API value.</summary>
    public static string Js(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    public static ILocator Kpi(IPage page, string key) => page.Locator($"[data-kpi='{key}']");

    public static async Task<decimal?> KpiValueAsync(IPage page, string key)
    {
        var raw = await Kpi(page, key).GetAttributeAsync("data-value");
        return string.IsNullOrEmpty(raw) ? null : decimal.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public static decimal? Number(JsonElement json, string name) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : null;

    /// <summary>Equal up to the precision a browser's double keeps (ratios such as ROAS have many decimals).</summary>
    public static bool Same(decimal? a, decimal? b) =>
        a is null || b is null ? a == b : Math.Abs(a.Value - b.Value) <= 1e-9m * Math.Max(1m, Math.Abs(b.Value));

    /// <summary>Waits until the chart's canvas has pixels of the given colour: its series was drawn, not just the axes.</summary>
    public static Task WaitForDrawnSeriesAsync(IPage page, string chart, string hexColour) =>
        page.WaitForFunctionAsync("""
            ([chart, hex]) => {
              const canvas = document.querySelector(`[data-chart='${chart}'] canvas`);
              if (!canvas || !canvas.width) return false;
              const want = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
              const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
              let hits = 0;
              for (let i = 0; i < data.length; i += 4)
                if (data[i + 3] > 150 && Math.abs(data[i] - want[0]) < 12 && Math.abs(data[i + 1] - want[1]) < 12 && Math.abs(data[i + 2] - want[2]) < 12) hits++;
              return hits > 20;
            }
            """, new object[] { chart, hexColour });

    public static readonly (string Chart, string Colour)[] Charts =
    [
        ("revenue-vs-ad-spend", "#34d399"), ("roas", "#8b9dff"), ("orders-vs-new-customers", "#38bdf8"), ("aov", "#a78bfa"),
    ];
}
