using System.CommandLine;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.Polling;
using GrowHalo.Platform.Tenancy;
using Npgsql;

namespace GrowHalo.Cli;

internal static class PollCommand
{
    public static Command Create()
    {
        var connection = new Option<string>("--connection") { Description = "The connection's id (con_…; see GET /api/v1/ingest/connections).", Required = true };
        var command = new Command("poll", "Run one polling pass over a connection now, whatever its schedule, and print what it fetched.") { connection };
        command.SetAction((parse, ct) => GrowHaloCli.WithServices(async (services, token) =>
        {
            var id = parse.GetValue(connection)!;
            var tenantId = await TenantOfAsync(services.GetRequiredService<TenantDatabases>(), id, token)
                ?? throw new ArgumentException($"No connection '{id}'. List a tenant's connections with GET /api/v1/ingest/connections.");
            var found = (await services.GetRequiredService<ConnectionStore>().FindAsync(tenantId, id, token))!;
            var outcome = await services.GetRequiredService<ConnectionPoller>().PollAsync(found, token);
            Console.WriteLine(outcome);
            return outcome.Succeeded ? 0 : 1;
        }, ct));
        return command;
    }

    private static Task<string?> TenantOfAsync(TenantDatabases databases, string connectionId, CancellationToken ct) =>
        databases.FirstAsync(async db =>
        {
            await using var cmd = db.CreateCommand("select tenant_id from ingest_connections where id = $1");
            cmd.Parameters.Add(new() { Value = connectionId });
            return await cmd.ExecuteScalarAsync(ct) as string;
        }, ct);
}
