using System.CommandLine;
using GrowHalo.Modeling.Currency;

namespace GrowHalo.Cli;

/// <summary>growhalo fx import FILE.csv --tenant ID: load exchange rates (date,from,to,rate) and re-aggregate.</summary>
internal static class FxCommand
{
    public static Command Create()
    {
        var command = new Command("fx", "Exchange rates that convert amounts into a tenant's reporting currency.");
        var file = new Argument<FileInfo>("file") { Description = "CSV with a header line date,from,to,rate (e.g. 2026-01-31,EUR,USD,1.0842)." };
        var tenant = new Option<string>("--tenant") { Description = "Tenant id or slug.", Required = true };
        var import = new Command("import", "Load rates from a CSV file; affected daily summaries are recomputed.") { file, tenant };
        import.SetAction((parse, ct) => GrowHaloCli.WithServices(async (services, token) =>
        {
            var tenantId = (await TenantsCommand.ResolveAsync(services, parse.GetValue(tenant), token))!;
            var path = parse.GetValue(file)!;
            if (!path.Exists) throw new ArgumentException($"No file {path.FullName}.");
            var (rates, errors) = FxCsv.Parse(await File.ReadAllLinesAsync(path.FullName, token));
            if (errors.Count > 0)
            {
                foreach (var e in errors.Take(20)) await Console.Error.WriteLineAsync($"error: {e}");
                await Console.Error.WriteLineAsync($"{errors.Count} problem(s) in {path.Name}; nothing was loaded.");
                return 1;
            }
            var result = await services.GetRequiredService<FxRateStore>().ImportAsync(tenantId, rates, token);
            Console.WriteLine($"Imported {result.Imported} rates; recomputed {result.DaysRecomputed} days and {result.CustomersRecomputed} customers.");
            return 0;
        }, ct));
        command.Subcommands.Add(import);
        return command;
    }
}
