using System.Diagnostics;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Platform.Tenancy;

/// <summary>`growhalo tenants create|list`, run as the real executable.</summary>
public sealed class TenantsCommandTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private sealed record Run(int ExitCode, string Out, string Error)
    {
        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static async Task<Run> GrowHaloAsync(string? databaseUrl, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "growhalo.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Without a database URL a bad setting must fail before any database is looked for.
        start.Environment["GROWHALO_DATABASE_URL"] = databaseUrl ?? "Host=invalid.invalid;Port=1;Timeout=1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Run(process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task an_unknown_time_zone_prints_one_clear_error_line_and_exits_1()
    {
        var run = await GrowHaloAsync(null, "tenants", "create", "Acme", "--time-zone", "Mars/Base");
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Equal("error: Time zone 'Mars/Base' is not an IANA time zone. Use a name such as Europe/Berlin, America/New_York or UTC.", line);
    }

    [Fact]
    public async Task an_unknown_currency_prints_one_clear_error_line_and_exits_1()
    {
        var run = await GrowHaloAsync(null, "tenants", "create", "Acme", "--currency", "EURO");
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("Currency 'EURO' is not an ISO 4217 currency code", line);
    }

    [Fact]
    public async Task a_created_tenant_is_listed_with_its_settings_and_its_slug_cannot_be_taken_twice()
    {
        var slug = "cli-" + Guid.NewGuid().ToString("N")[..8];
        var created = await GrowHaloAsync(db.ConnectionString, "tenants", "create", "Cli Brand", "--slug", slug, "--time-zone", "Europe/Berlin", "--currency", "eur");
        Assert.True(created.ExitCode == 0, created.Error);
        Assert.Contains($"({slug}), time zone Europe/Berlin, currency EUR.", created.Out);

        var list = await GrowHaloAsync(db.ConnectionString, "tenants", "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(list.Out.Split('\n'), l => l.Split('\t') is [_, var s, "Cli Brand", "Europe/Berlin", "EUR", _] && s == slug);

        var again = await GrowHaloAsync(db.ConnectionString, "tenants", "create", "Copy", "--slug", slug);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal($"error: A tenant with slug '{slug}' exists already. Choose another slug.", Assert.Single(again.ErrorLines));
    }
}
