using Dapper;
using PayTrust.Infrastructure.Persistence;
using PayTrust.Testing;

namespace PayTrust.Application.Tests;

/// <summary>Every connection the service uses gives up a lock wait after 5 s (spec §7.2), whatever the server's default.</summary>
public class DataSourceTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task New_and_pooled_connections_wait_five_seconds_for_a_lock()
    {
        await using (var plain = await database.OpenAsync())
        {
            // The server's own default, so the assertion below is about our setting.
            Assert.NotEqual(5L, await plain.ExecuteScalarAsync<long>("SELECT @@GLOBAL.innodb_lock_wait_timeout"));
        }

        await using var dataSource = PayTrustDataSource.Build(Infrastructure.DependencyInjection.PooledConnectionString(database.ConnectionString));
        for (var use = 0; use < 3; use++)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            Assert.Equal(5L, await connection.ExecuteScalarAsync<long>("SELECT @@SESSION.innodb_lock_wait_timeout"));
        }
    }
}
