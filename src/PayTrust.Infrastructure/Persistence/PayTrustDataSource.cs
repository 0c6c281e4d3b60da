using MySqlConnector;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>
/// The pooled data source every request uses. Each physical connection is configured once, when it is
/// opened (or reset): pooled connections keep their session settings and prepared statements (Connection
/// Reset=false), so no statement has to carry them.
/// </summary>
public static class PayTrustDataSource
{
    /// <summary>Spec §7.2: a lock wait gives up after 5 s (error 1205); the transaction behaviour then retries the whole transaction.</summary>
    public const int LockWaitTimeoutSeconds = 5;

    /// <summary>
    /// <paramref name="lockWaitTimeoutSeconds"/> is PayTrust:Database:LockWaitTimeoutSeconds: 5 in production; tests that
    /// exhaust the lock retries on purpose shorten it so a held lock costs seconds, not a quarter of a minute.
    /// </summary>
    public static MySqlDataSource Build(string connectionString, int lockWaitTimeoutSeconds = LockWaitTimeoutSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lockWaitTimeoutSeconds, 1);
        var statement = $"SET SESSION innodb_lock_wait_timeout = {lockWaitTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        var dataSource = new MySqlDataSourceBuilder(connectionString)
            .UseConnectionOpenedCallback((context, cancellationToken) => ConfigureSessionAsync(context, statement, cancellationToken))
            .Build();
        PreparedStatements.PrepareSessionsOf(dataSource);
        return dataSource;
    }

    private static async ValueTask ConfigureSessionAsync(MySqlConnectionOpenedContext context, string statement, CancellationToken cancellationToken)
    {
        if (SuspectConnections.Take(context.Connection.ServerThread))
        {
            // Back from the pool perhaps inside a transaction (SuspectConnections): discarded before anyone can join or commit it.
            await using var rollback = new MySqlCommand("ROLLBACK", context.Connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }

        if (context.Conditions == MySqlConnectionOpenedConditions.None)
        {
            return;
        }

        await using (var command = new MySqlCommand(statement, context.Connection))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // The attempt path's statements, for EXECUTE (ADR 27); on MySQL they are sent as text instead.
        if (PreparedStatements.IsMariaDb(context.Connection))
        {
            await using var prepare = PreparedStatements.PrepareCommand(context.Connection);
            await prepare.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
