using System.CommandLine;
using GrowHalo.Platform.Tenancy;

namespace GrowHalo.Cli;

internal static class KeysCommand
{
    public static Command Create()
    {
        var command = new Command("keys", "Create, list and revoke API keys.");
        var tenant = new Option<string>("--tenant") { Description = "Tenant id or slug.", Required = true };
        var scopes = new Option<string>("--scopes") { Description = "Comma-separated: ingest, read, admin.", DefaultValueFactory = _ => "read" };
        var label = new Option<string>("--label") { Description = "A note to tell keys apart.", DefaultValueFactory = _ => "" };
        var expires = new Option<int?>("--expires-in-days") { Description = "Days until the key stops working (default: never)." };
        var create = new Command("create", "Create a key; it is shown once.") { tenant, scopes, label, expires };
        create.SetAction((parse, ct) => GrowHaloCli.WithServices(async (services, token) =>
        {
            var tenantId = (await TenantsCommand.ResolveAsync(services, parse.GetValue(tenant), token))!;
            var days = parse.GetValue(expires);
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var key = await services.GetRequiredService<ApiKeyStore>().CreateAsync(tenantId,
                parse.GetValue(scopes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                parse.GetValue(label)!, days is null ? null : now.AddDays(days.Value), token);
            Console.WriteLine(key.RawKey);
            await Console.Error.WriteLineAsync($"Key {key.Info.Id} ({string.Join(",", key.Info.Scopes)}) for {tenantId}. Store it now: it is not shown again.");
            return 0;
        }, ct));
        var listTenant = new Option<string>("--tenant") { Description = "Tenant id or slug.", Required = true };
        var list = new Command("list", "List a tenant's keys (never the keys themselves).") { listTenant };
        list.SetAction((parse, ct) => GrowHaloCli.WithServices(async (services, token) =>
        {
            var tenantId = (await TenantsCommand.ResolveAsync(services, parse.GetValue(listTenant), token))!;
            var rows = (await services.GetRequiredService<ApiKeyStore>().ListAsync(tenantId, token))
                .Select(k => new[] { k.Id.ToString(), k.Prefix + "…", k.Label, string.Join(",", k.Scopes),
                    k.ExpiresAt?.ToString("u") ?? "never", k.LastUsedAt?.ToString("u") ?? "never", k.RevokedAt?.ToString("u") ?? "" });
            TenantsCommand.WriteTable(["id", "prefix", "label", "scopes", "expires", "last used", "revoked"], rows);
            return 0;
        }, ct));
        var revokeTenant = new Option<string>("--tenant") { Description = "Tenant id or slug.", Required = true };
        var id = new Argument<Guid>("key-id") { Description = "The key's id (see keys list)." };
        var revoke = new Command("revoke", "Revoke a key: it stops working at once.") { revokeTenant, id };
        revoke.SetAction((parse, ct) => GrowHaloCli.WithServices(async (services, token) =>
        {
            var tenantId = (await TenantsCommand.ResolveAsync(services, parse.GetValue(revokeTenant), token))!;
            if (await services.GetRequiredService<ApiKeyStore>().RevokeAsync(tenantId, parse.GetValue(id), token) is not null)
            {
                Console.WriteLine("Revoked.");
                return 0;
            }
            await Console.Error.WriteLineAsync("error: no such key for that tenant.");
            return 1;
        }, ct));
        command.Subcommands.Add(create);
        command.Subcommands.Add(list);
        command.Subcommands.Add(revoke);
        return command;
    }
}
