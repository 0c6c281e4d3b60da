using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;
using PayTrust.Infrastructure.Persistence.Migrations;
using Xunit;

namespace PayTrust.Testing;

/// <summary>
/// A database of its own for one test class (xunit class fixture): created empty on the shared test
/// server, migrated with the real migrations, dropped afterwards.
/// </summary>
public class TestDatabase : IAsyncLifetime
{
    public string Name { get; } = $"pt_test_{Guid.NewGuid():N}"[..28];

    /// <summary>Connection string to this class's database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>Connection string to the server with no database selected.</summary>
    public string ServerConnectionString { get; private set; } = "";

    /// <summary>Whether the real migrations run on creation (a test of migrations may want an empty database).</summary>
    protected virtual bool Migrate => true;

    public async Task InitializeAsync()
    {
        PayTrust.Infrastructure.Persistence.DapperTypeHandlers.Register();
        ServerConnectionString = await TestDatabaseServer.GetConnectionStringAsync();
        await ExecuteOnServerAsync($"CREATE DATABASE `{Name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        ConnectionString = new MySqlConnectionStringBuilder(ServerConnectionString) { Database = Name }.ConnectionString;
        if (Migrate)
        {
            new DatabaseMigrator(ConnectionString, NullLogger.Instance).Migrate();
        }
    }

    public async Task DisposeAsync()
    {
        MySqlConnection.ClearAllPools();
        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS `{Name}`");
    }

    public async Task<MySqlConnection> OpenAsync()
    {
        var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new MySqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A created but not migrated database, for tests of the migrations themselves.</summary>
public sealed class EmptyTestDatabase : TestDatabase
{
    protected override bool Migrate => false;
}
