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
        var tz = new Option<string>("--time-zone") { Description = "IANA time zone of the brand's reporting days.", DefaultValueFactory = _ => "UTC" };
        var currency = new Option<string>("--currency") { Description = "ISO 4217 reporting currency.", DefaultValueFactory = _ => "USD" };
        var create = new Command("create", "Create a tenant.") { name, slug, tz, currency };
        create.SetAction((parse, ct) => GrowHaloCli.WithServices(async (services, token) =>
        {
            var tenant = await services.GetRequiredService<TenantStore>().CreateAsync(
                parse.GetValue(name)!, parse.GetValue(slug), parse.GetValue(tz)!, parse.GetValue(currency)!, token);
            Console.WriteLine($"Created tenant {tenant.Id} ({tenant.Slug}), time zone {tenant.TimeZone}, currency {tenant.Currency}.");
            return 0;
        }, ct));
        var list = new Command("list", "List tenants.");
        list.SetAction((_, ct) => GrowHaloCli.WithServices(async (services, token) =>
        {
            var table = new Table().AddColumns("id", "slug", "name", "time zone", "currency", "created");
            foreach (var t in await services.GetRequiredService<TenantStore>().ListAsync(token))
                table.AddRow(t.Id, t.Slug, Markup.Escape(t.Name), t.TimeZone, t.Currency, t.CreatedAt.ToString("u"));
            AnsiConsole.Write(table);
            return 0;
        }, ct));
        command.Subcommands.Add(create);
        command.Subcommands.Add(list);
        return command;
    }

    /// <summary>Turns --tenant (id or slug) into a tenant id, or fails with a message naming what exists.</summary>
    public static async Task<string?> ResolveAsync(IServiceProvider services, string? idOrSlug, CancellationToken ct)
    {
        if (idOrSlug is null) return null;
        var tenant = await services.GetRequiredService<TenantStore>().FindAsync(idOrSlug, ct);
        return tenant?.Id ?? throw new ArgumentException($"No tenant '{idOrSlug}'. See `growhalo tenants list`.");
    }
}
