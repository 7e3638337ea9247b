using GrowHalo.Platform.Database;
using GrowHalo.Platform.Events;
using GrowHalo.Platform.Tenancy;
using Marten;
using Npgsql;

namespace GrowHalo.Tests.Infrastructure;

/// <summary>The data databases seen through <paramref name="dataSource"/> as the master (for tests that build the parts by hand).</summary>
public static class Databases
{
    public static TenantDatabases Of(NpgsqlDataSource dataSource, IDocumentStore? store = null) =>
        new(new DataSources(dataSource), store ?? MartenSetup.CreateStore(dataSource));
}
