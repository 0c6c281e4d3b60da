using MySqlConnector;
using PayTrust.Application.Abstractions;
using PayTrust.Infrastructure.Persistence.Migrations;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>Readiness: the database answers and its journal lists every embedded migration.</summary>
internal sealed class DatabaseStatus(MySqlDataSource dataSource) : IDatabaseStatus
{
    private const string JournalSql = $"SELECT script_name FROM {MySqlTableJournal.TableName}";
    private const string JournalExistsSql = $"SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{MySqlTableJournal.TableName}'";

    public async Task<DatabaseState> GetStateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var applied = new HashSet<string>(StringComparer.Ordinal);
            if (await ScalarAsync<long>(connection, JournalExistsSql, cancellationToken) > 0)
            {
                await using var command = new MySqlCommand(JournalSql, connection);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetString(0));
                }
            }

            var pending = EmbeddedMigrations.ResourceNames
                .Where(name => !applied.Contains(name))
                .Select(EmbeddedMigrations.FileName)
                .ToArray();
            return new DatabaseState(true, pending, null);
        }
        catch (MySqlException exception)
        {
            return new DatabaseState(false, EmbeddedMigrations.ResourceNames.Select(EmbeddedMigrations.FileName).ToArray(), exception.Message);
        }
    }

    private static async Task<T> ScalarAsync<T>(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync(cancellationToken))!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
