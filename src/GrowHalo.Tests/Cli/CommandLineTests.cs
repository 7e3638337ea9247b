namespace GrowHalo.Tests.Cli;

/// <summary>Mistakes on the command line get usage and a non-zero exit; they never start a server.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("frobnicate")]
    [InlineData("projections", "rebuild", "--bogus")]
    [InlineData("projections", "frobnicate")]
    [InlineData("--bogus")]
    public async Task a_mistake_prints_usage_names_the_mistake_and_exits_non_zero(params string[] args)
    {
        var cs = await ScratchDatabase.MigratedAsync();

        var result = await GrowHaloProcess.RunAsync(cs, args);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Usage:", result.Output);
        Assert.Contains(args[^1], result.Stderr);
    }
}
