using System.CommandLine;
using System.Globalization;
using GrowHalo.Platform.Tenancy;

namespace GrowHalo.Cli;

internal static class DatabasesCommand
{
    public static Command Create()
    {
        var command = new Command("databases", "The data databases tenants are spread over: the master (main) and those added.");
        var id = new Argument<string>("id") { Description = "A short name for the database, e.g. eu-2." };
        var connection = new Argument<string>("connection-string") { Description = "How to reach it: Host=…;Database=…;Username=…;Password=… or postgres://user:pass@host/db. The database must exist (empty)." };
        var add = new Command("add", "Migrate a database and add it to the pool: new tenants are then placed on the emptiest database.") { id, connection };
        add.SetAction((parse, ct) => GrowHaloCli.WithServices(async (services, token) =>
        {
            var pool = services.GetRequiredService<DatabasePool>();
            await pool.AddAsync(parse.GetValue(id)!, parse.GetValue(connection)!, token);
            Console.WriteLine($"Added database {parse.GetValue(id)}: migrated, in the pool; new tenants go to the emptiest database.");
            return 0;
        }, ct));
        var list = new Command("list", "List the data databases with their tenants and size.");
        list.SetAction((_, ct) => GrowHaloCli.WithServices(async (services, token) =>
        {
            var rows = (await services.GetRequiredService<DatabasePool>().ListAsync(token)).Select(d => new[]
            {
                d.Id, d.Server, d.Database, d.Tenants.ToString(CultureInfo.InvariantCulture),
                (d.Bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB", d.IsFull ? "full" : "open",
            });
            TenantsCommand.WriteTable(["id", "server", "database", "tenants", "size", "new tenants"], rows);
            return 0;
        }, ct));
        command.Subcommands.Add(add);
        command.Subcommands.Add(list);
        return command;
    }
}
