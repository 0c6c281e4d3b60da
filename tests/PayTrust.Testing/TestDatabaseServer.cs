using MySqlConnector;
using Testcontainers.MySql;

namespace PayTrust.Testing;

/// <summary>
/// Finds the MariaDB/MySQL server the tests run against, once per test run: PAYTRUST_TEST_MYSQL (a
/// connection string without a database, as `./build.sh test` sets it), else a Testcontainers MySQL if
/// a Docker daemon is there, else a failure that says how to get one. Never a fake.
/// </summary>
public static class TestDatabaseServer
{
    public const string EnvironmentVariable = "PAYTRUST_TEST_MYSQL";

    private static readonly Lazy<Task<string>> Server = new(FindServerAsync);

    /// <summary>The server's connection string with no database selected.</summary>
    public static Task<string> GetConnectionStringAsync() => Server.Value;

    private static async Task<string> FindServerAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            await using var connection = new MySqlConnection(configured);
            try
            {
                await connection.OpenAsync();
            }
            catch (MySqlException exception)
            {
                throw new InvalidOperationException($"{EnvironmentVariable} is set but its server does not answer: {exception.Message}", exception);
            }

            return configured;
        }

        try
        {
            var container = new MySqlBuilder("mysql:8.4").WithUsername("root").WithPassword("paytrust-tests").Build();
            await container.StartAsync();
            // The container lives for the test run; Testcontainers' reaper removes it afterwards.
            return new MySqlConnectionStringBuilder(container.GetConnectionString()) { Database = "" }.ConnectionString;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            throw new InvalidOperationException(
                $"No database for the tests: set {EnvironmentVariable} to a MariaDB/MySQL connection string whose user may create databases, " +
                "or run `./build.sh test`, which installs and starts a private MariaDB and sets it for you. " +
                $"(Testcontainers could not start MySQL either: {exception.Message})",
                exception);
        }
    }
}
