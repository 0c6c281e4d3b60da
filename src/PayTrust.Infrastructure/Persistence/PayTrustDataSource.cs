using MySqlConnector;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>
/// The pooled data source every request uses. Each physical connection is configured once, when it is
/// opened (or reset): pooled connections keep their session settings (Connection Reset=false), so no
/// statement has to carry them.
/// </summary>
public static class PayTrustDataSource
{
    /// <summary>Spec §7.2: a lock wait gives up after 5 s (error 1205); the transaction behaviour then retries the whole transaction.</summary>
    public const int LockWaitTimeoutSeconds = 5;

    public static MySqlDataSource Build(string connectionString) =>
        new MySqlDataSourceBuilder(connectionString)
            .UseConnectionOpenedCallback(ConfigureSessionAsync)
            .Build();

    private static async ValueTask ConfigureSessionAsync(MySqlConnectionOpenedContext context, CancellationToken cancellationToken)
    {
        if (context.Conditions == MySqlConnectionOpenedConditions.None)
        {
            return;
        }

        await using var command = new MySqlCommand($"SET SESSION innodb_lock_wait_timeout = {LockWaitTimeoutSeconds}", context.Connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
