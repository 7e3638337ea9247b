using Microsoft.Playwright;

namespace GrowHalo.Tests.Dashboard.Browser;

/// <summary>A page in its own browser context, recording script errors and Content-Security-Policy violations.</summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly List<string> _problems = [];

    public BrowserPage(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.PageError += (_, error) => _problems.Add($"script error: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                _problems.Add($"CSP: {message.Text}");
        };
    }

    public IBrowserContext Context { get; }
    public IPage Page { get; }

    /// <summary>Script errors and CSP violations seen so far; a working page has none.</summary>
    public IReadOnlyList<string> Problems => _problems;

    public async Task SignInAsync(string key)
    {
        await Page.Locator("#api-key").FillAsync(key);
        await Page.Locator("#sign-in-form button[type=submit]").ClickAsync();
    }

    /// <summary>Saves a screenshot to artifacts/screenshots/NAME.png at the repository root, for people to look at.</summary>
    public async Task ScreenshotAsync(string name)
    {
        await Page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder.Value, name + ".png"), FullPage = true });
    }

    private static readonly Lazy<string> ScreenshotFolder = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GrowHalo.sln"))) dir = dir.Parent;
        var folder = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        return folder;
    });

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
