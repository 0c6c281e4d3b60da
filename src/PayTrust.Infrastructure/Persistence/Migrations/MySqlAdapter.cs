using System.Data;
using System.Text;
using System.Text.RegularExpressions;
using DbUp.Engine;
using DbUp.Engine.Output;
using DbUp.Engine.Transactions;
using DbUp.Support;
using MySqlConnector;

namespace PayTrust.Infrastructure.Persistence.Migrations;

// dbup-mysql is not served by our package feed, so these four small classes adapt dbup-core to
// MySQL/MariaDB themselves. They are deliberately minimal: back-tick quoting, a journal table that
// is looked up in the current database only, and statement splitting by dbup-core's reader (with the
// mariadb client's DELIMITER lines, which dbup-mysql also understands).

/// <summary>Opens MySqlConnector connections and splits scripts into statements on ';' (or a DELIMITER line's delimiter).</summary>
internal sealed partial class MySqlConnectionManager(string connectionString)
    : DatabaseConnectionManager(new DelegateConnectionFactory(_ => new MySqlConnection(connectionString)))
{
    public override IEnumerable<string> SplitScriptIntoCommands(string scriptContents)
    {
        var commands = new List<string>();
        foreach (var (text, delimiter) in DelimitedSections(scriptContents))
        {
            // SqlCommandReader understands quotes and comments, so a delimiter inside a string literal is safe.
            using var reader = new SqlCommandReader(text, delimiter, delimiterRequiresWhitespace: false);
            reader.ReadAllCommands(command =>
            {
                // A comment after a section's last statement (before a DELIMITER line, say) is no statement: sent alone, the
                // server refuses it as an empty query.
                if (!string.IsNullOrWhiteSpace(Comments().Replace(command, "")))
                {
                    commands.Add(command.Trim());
                }
            });
        }

        return commands;
    }

    /// <summary>
    /// The script cut at the mariadb client's <c>DELIMITER xx</c> lines, each piece with the delimiter it is written in,
    /// so that a trigger whose body holds ';' (an IF … END IF) can be one statement. A DELIMITER line must stand on a
    /// line of its own, outside any comment; the pieces are then split as before.
    /// </summary>
    private static IEnumerable<(string Text, string Delimiter)> DelimitedSections(string script)
    {
        var delimiter = ";";
        var section = new StringBuilder(script.Length);
        foreach (var line in script.Split('\n'))
        {
            if (DelimiterLine().Match(line) is { Success: true } match)
            {
                yield return (section.ToString(), delimiter);
                section.Clear();
                delimiter = match.Groups[1].Value;
                continue;
            }

            section.Append(line).Append('\n');
        }

        yield return (section.ToString(), delimiter);
    }

    // Line comments (-- and #) and block comments, but not /*! … */, which MySQL runs. Used only to tell whether anything else
    // is left, so a "--" inside a string literal cannot make a real statement look empty: its keywords are outside quotes.
    [GeneratedRegex(@"(--|#)[^\n]*|/\*(?!!)[\s\S]*?\*/")]
    private static partial Regex Comments();

    [GeneratedRegex(@"^\s*DELIMITER\s+(\S+)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex DelimiterLine();
}

/// <summary>MySQL quotes identifiers with back-ticks.</summary>
internal sealed class MySqlObjectParser() : SqlObjectParser("`", "`");

/// <summary>Runs script statements; a failure names the script and statement before it propagates.</summary>
internal sealed class MySqlScriptExecutor(
    Func<IConnectionManager> connectionManager, Func<IUpgradeLog> log, Func<IJournal> journal)
    : ScriptExecutor(connectionManager, new MySqlObjectParser(), log, schema: null, () => true, [], journal)
{
    protected override string GetVerifySchemaSql(string schema) =>
        throw new NotSupportedException("PayTrust migrates the database named in the connection string only.");

    protected override void ExecuteCommandsWithinExceptionHandler(int index, SqlScript script, Action executeCommand)
    {
        try
        {
            executeCommand();
        }
        catch (MySqlException exception)
        {
            throw new MigrationFailedException(EmbeddedMigrations.FileName(script.Name), index, exception);
        }
    }
}

/// <summary>The journal table <c>schema_versions</c>, in the connection's own database.</summary>
internal sealed class MySqlTableJournal(Func<IConnectionManager> connectionManager, Func<IUpgradeLog> log)
    : TableJournal(connectionManager, log, new MySqlObjectParser(), schema: null, table: TableName)
{
    public const string TableName = "schema_versions";

    protected override string GetInsertJournalEntrySql(string scriptName, string applied) =>
        $"INSERT INTO {FqSchemaTableName} (script_name, applied_at) VALUES ({scriptName}, {applied})";

    protected override string GetJournalEntriesSql() =>
        $"SELECT script_name FROM {FqSchemaTableName} ORDER BY script_name";

    protected override string CreateSchemaTableSql(string quotedPrimaryKeyName) => $"""
        CREATE TABLE {FqSchemaTableName} (
            id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
            script_name VARCHAR(255) NOT NULL,
            applied_at DATETIME(6) NOT NULL
        )
        """;

    // dbup-core's default looks the table up in every schema on the server; a journal in another
    // database on the same server would then make it skip creating ours.
    protected override string DoesTableExistSql() =>
        $"SELECT 1 FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{TableName}'";
}

/// <summary>A migration script failed: the message names it, so the operator knows where to look.</summary>
public sealed class MigrationFailedException(string scriptName, int statementIndex, Exception inner)
    : Exception($"Migration {scriptName} failed at statement {statementIndex + 1}: {inner.Message}", inner)
{
    public string ScriptName { get; } = scriptName;
}
