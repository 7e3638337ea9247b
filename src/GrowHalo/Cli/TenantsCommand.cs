using System.CommandLine;
using GrowHalo.Platform.Tenancy;
using Spectre.Console;

namespace GrowHalo.Cli;

internal static class TenantsCommand
{
    public static Command Create()
    {
        var command = new Command("tenants", "Create and list tenants (brands).");
        var name = new Argument<string>("name") { Description = "The brand's name." };
        var slug = new Option<string?>("--slug") { Description = "URL-friendly id (default: from the name)." };
        var tz = new Option<string>("--time-zone") { Description = "IANA time zone of the brand's reporting days, e.g. Europe/Berlin.", DefaultValueFactory = _ => TenantRules.DefaultTimeZone };
        var currency = new Option<string>("--currency") { Description = "ISO 4217 reporting currency, e.g. EUR.", DefaultValueFactory = _ => TenantRules.DefaultCurrency };
        var database = new Option<string?>("--database") { Description = "The data database to place it on (see `growhalo databases list`); default: the emptiest." };
        var create = new Command("create", "Create a tenant.") { name, slug, tz, currency, database };
        create.SetAction(async (parse, ct) =>
        {
            // Settings are checked before the database is opened: a typo costs nothing and says what to fix.
            try
            {
                TenantRules.Validate(new TenantSettings(parse.GetValue(name), parse.GetValue(slug), parse.GetValue(tz), parse.GetValue(currency)));
            }
            catch (InvalidSettingsException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return 1;
            }
            return await GrowHaloCli.WithServices(async (services, token) =>
            {
                var tenant = await services.GetRequiredService<TenantStore>().CreateAsync(
                    parse.GetValue(name)!, parse.GetValue(slug), parse.GetValue(tz), parse.GetValue(currency), token, parse.GetValue(database));
                Console.WriteLine($"Created tenant {tenant.Id} ({tenant.Slug}), time zone {tenant.TimeZone}, currency {tenant.Currency}.");
                return 0;
            }, ct);
        });
        var list = new Command("list", "List tenants.");
        list.SetAction((_, ct) => GrowHaloCli.WithServices(async (services, token) =>
        {
            var rows = (await services.GetRequiredService<TenantStore>().ListAsync(token))
                .Select(t => new[] { t.Id, t.Slug, t.Name, t.TimeZone, t.Currency, t.CreatedAt.ToString("u") });
            WriteTable(["id", "slug", "name", "time zone", "currency", "created"], rows);
            return 0;
        }, ct));
        var tenant = new Argument<string>("tenant") { Description = "The tenant's id or slug." };
        var to = new Option<string>("--to") { Description = "The data database to move it to (see `growhalo databases list`).", Required = true };
        var move = new Command("move", "Move a tenant's data to another data database. Stop every server first; start them again after.") { tenant, to };
        move.SetAction((parse, ct) => GrowHaloCli.WithServices(async (services, token) =>
        {
            var moved = await services.GetRequiredService<TenantMove>().MoveAsync(parse.GetValue(tenant)!, parse.GetValue(to)!, token);
            if (moved.Rows.Count == 0)
            {
                Console.WriteLine($"Tenant {moved.TenantId} is on {moved.To} already; nothing of it is left elsewhere.");
                return 0;
            }
            Console.WriteLine($"Moved tenant {moved.TenantId} from {moved.From} to {moved.To}: {moved.Rows.GetValueOrDefault("mt_events")} events, " +
                $"{moved.Rows.Values.Sum()} rows in {moved.Rows.Count(r => r.Value > 0)} tables. Its read models are rebuilt when the servers start.");
            return 0;
        }, ct));
        command.Subcommands.Add(create);
        command.Subcommands.Add(list);
        command.Subcommands.Add(move);
        return command;
    }

    /// <summary>A table on a terminal; tab-separated lines when piped, so scripts get whole values, never wrapped cells.</summary>
    public static void WriteTable(string[] columns, IEnumerable<string[]> rows)
    {
        if (Console.IsOutputRedirected)
        {
            Console.WriteLine(string.Join('\t', columns));
            foreach (var row in rows) Console.WriteLine(string.Join('\t', row));
            return;
        }
        var table = new Table().AddColumns(columns);
        foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
    }

    /// <summary>Turns --tenant (id or slug) into a tenant id, or fails with a message naming what exists.</summary>
    public static async Task<string?> ResolveAsync(IServiceProvider services, string? idOrSlug, CancellationToken ct)
    {
        if (idOrSlug is null) return null;
        var tenant = await services.GetRequiredService<TenantStore>().FindAsync(idOrSlug, ct);
        return tenant?.Id ?? throw new ArgumentException($"No tenant '{idOrSlug}'. See `growhalo tenants list`.");
    }
}
