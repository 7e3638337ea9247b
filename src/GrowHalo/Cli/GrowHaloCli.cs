using System.CommandLine;
using GrowHalo.Platform.Database;

namespace GrowHalo.Cli;

/// <summary>The command line. Unknown commands and bad options print usage and exit non-zero.</summary>
public static class GrowHaloCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("GrowHalo: revenue, ad spend and customer analytics for direct-to-consumer brands.");
        root.Subcommands.Add(new Command("serve", "Serve the HTTP API, the dashboard and the projection daemon (the default)."));
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(ProjectionsCommand.Create());
        root.Subcommands.Add(TenantsCommand.Create());
        root.Subcommands.Add(DatabasesCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        foreach (var command in new[] { DemoCommand.Create(), SeedCommand.Create(), SimulateCommand.Create(), PollCommand.Create(), ResetCommand.Create() })
            root.Subcommands.Add(command);
        root.Subcommands.Add(FxCommand.Create());
        foreach (var command in CritterStackCommands.Create()) root.Subcommands.Add(command);
        return root;
    }

    /// <summary>
    /// No arguments, "serve", or only host settings such as --urls=… (as WebApplicationFactory passes) mean: serve.
    /// Anything else, a mistyped --flag included, goes to the command line, which prints usage rather than starting a server.
    /// </summary>
    public static bool IsServe(string[] args) =>
        args.Length == 0 || args[0] == "serve" ||
        args.All(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal));

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return await Build().Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromSeconds(30) }); // the demo needs more than 2 s to stop its server and database
        }
        catch (LocalPostgresUnavailableException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
        catch (Npgsql.NpgsqlException e)
        {
            await Console.Error.WriteLineAsync(
                $"error: cannot use the database: {e.Message}. Check GROWHALO_DATABASE_URL / ConnectionStrings:GrowHalo, " +
                "or unset them to let GrowHalo run its own local PostgreSQL.");
            return 2;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("Stopped.");
            return 130;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("GROWHALO_DEBUG") is null)
        {
            // One line a person can act on; GROWHALO_DEBUG=1 shows the whole exception for a bug report.
            await Console.Error.WriteLineAsync($"error: {e.Message} (set GROWHALO_DEBUG=1 for details)");
            return 1;
        }
    }

    /// <summary>Runs a command body with the CLI's services; failures become one clear line and exit code 1.</summary>
    public static async Task<int> WithServices(Func<IServiceProvider, CancellationToken, Task<int>> body, CancellationToken ct)
    {
        await using var services = await CliServices.StartAsync(ct);
        try
        {
            return await body(services, ct);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}
