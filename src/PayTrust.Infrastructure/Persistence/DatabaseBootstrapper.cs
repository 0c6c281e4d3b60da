using Microsoft.Extensions.Logging;
using MySqlConnector;
using PayTrust.Infrastructure.Persistence.Migrations;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>
/// Start-up check: can we reach the database, and (when configured) bring its schema up to date.
/// Failures come back as one readable line naming the target, never as a stack trace.
/// </summary>
public static class DatabaseBootstrapper
{
    /// <returns>null when the database is ready, else a one-line reason.</returns>
    public static async Task<string?> PrepareAsync(string connectionString, bool migrate, ILogger logger, CancellationToken cancellationToken)
    {
        var target = DescribeTarget(connectionString);
        try
        {
            await using (var connection = new MySqlConnection(connectionString))
            {
                await connection.OpenAsync(cancellationToken);
            }

            if (migrate)
            {
                new DatabaseMigrator(connectionString, logger).Migrate();
            }

            return null;
        }
        catch (MySqlException exception)
        {
            return $"cannot reach the database at {target}: {exception.Message}";
        }
        catch (MigrationFailedException exception)
        {
            return $"database migration failed on {target}: {exception.Message}";
        }
    }

    /// <summary>"user@host:port/database" — enough to find the server, without the password.</summary>
    public static string DescribeTarget(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        return $"{builder.UserID}@{builder.Server}:{builder.Port}/{builder.Database}";
    }
}
