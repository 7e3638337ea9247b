using System.CommandLine;
using GrowHalo.Platform.Database;

namespace GrowHalo.Cli;

internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply pending database migrations (safe to run twice, and from two processes at once).");
        command.SetAction(async (_, ct) =>
        {
            await using var services = await CliServices.StartAsync(ct, migrate: false);
            var applied = await services.GetRequiredService<Migrator>().MigrateAsync(ct);
            Console.WriteLine(applied == 0 ? "Database is up to date." : $"Applied {applied} migration(s); database is up to date.");
            return 0;
        });
        return command;
    }
}
