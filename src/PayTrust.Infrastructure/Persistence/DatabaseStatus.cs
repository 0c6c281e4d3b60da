using Microsoft.Extensions.Logging;
using MySqlConnector;
using PayTrust.Application.Abstractions;
using PayTrust.Infrastructure.Persistence.Migrations;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>Readiness: the database answers and the migrator has nothing left to run.</summary>
internal sealed class DatabaseStatus(MySqlDataSource dataSource, ILogger<DatabaseStatus> logger) : IDatabaseStatus
{
    public Task<DatabaseState> GetStateAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The migrator is the one that knows the journal; asking it keeps a single source of truth.
            var pending = new DatabaseMigrator(dataSource.ConnectionString, logger).PendingScripts();
            return Task.FromResult(new DatabaseState(true, pending, null));
        }
        catch (Exception exception) when (FindMySqlException(exception) is { } unreachable)
        {
            return Task.FromResult(new DatabaseState(false, [], unreachable.Message));
        }
    }

    private static MySqlException? FindMySqlException(Exception? exception) =>
        exception switch
        {
            null => null,
            MySqlException mySql => mySql,
            _ => FindMySqlException(exception.InnerException),
        };
}
