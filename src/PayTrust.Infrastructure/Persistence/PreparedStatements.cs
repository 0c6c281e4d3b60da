using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using MySqlConnector;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>
/// The attempt path's statements, prepared on the server once per connection and then run as <c>EXECUTE … USING</c>
/// (ADR 27). MariaDB parsed every statement's text on every call, some 17 % of its CPU under <c>create-attempt</c>, and
/// these are the widest. A statement still travels in the same multi-statement round trip as before, which the
/// binary protocol's prepared statements (one round trip each) would not allow.
/// <para>
/// Only where both hold: the connection came from <see cref="PayTrustDataSource.Build"/>, which prepares them whenever
/// it opens or resets a session (a pooled session keeps them: Connection Reset=false), and the server is MariaDB, whose
/// <c>EXECUTE … USING</c> takes the parameters as literals in the same statement (MySQL's takes only user variables, and
/// a SET before each would cost a statement of its own). Anywhere else the text is sent as written.
/// </para>
/// </summary>
internal static partial class PreparedStatements
{
    /// <summary>Each statement as the repositories write it, with the name it is prepared under.</summary>
    private static readonly (string Name, string Sql)[] Statements =
    [
        ("pt_lock_for_payment", InvoiceRepository.LockForPaymentSql),
        ("pt_attempts_of_invoice", PaymentAttemptRepository.AttemptsSql),
        ("pt_insert_attempt", PaymentAttemptRepository.InsertSql),
        ("pt_lock_header_with_attempt", PaymentAttemptRepository.LockHeaderWithAttemptSql),
        ("pt_update_attempt", PaymentAttemptRepository.UpdateSql),
        ("pt_update_invoice_header", InvoiceRepository.UpdateHeaderSql),
    ];

    private static readonly Prepared[] All = Statements.Select(statement => Prepared.Of(statement.Name, statement.Sql)).ToArray();

    // What each text sent on a prepared session becomes (itself, when it holds none of them), keyed by the string
    // instance: the repositories' texts are constants, so each is looked up without hashing its kilobyte of SQL and
    // scanned once per process; a text built per call (an invoice's INSERT has a row per line item) leaves with its
    // string, so this never grows with them.
    private static readonly ConditionalWeakTable<string, string> Executed = new();

    private static readonly ConditionalWeakTable<MySqlDataSource, object> Preparing = new();

    /// <summary>The PREPAREs, as one multi-statement command with each statement's text as a parameter (so it is quoted by the driver).</summary>
    public static MySqlCommand PrepareCommand(MySqlConnection connection)
    {
        var command = new MySqlCommand { Connection = connection };
        var text = new StringBuilder();
        for (var index = 0; index < All.Length; index++)
        {
            text.Append("PREPARE ").Append(All[index].Name).Append(" FROM @Statement").Append(index).Append(';');
            command.Parameters.AddWithValue($"@Statement{index}", All[index].PreparedText);
        }

        command.CommandText = text.ToString();
        return command;
    }

    /// <summary>Marks a data source whose sessions are prepared when they open (called by <see cref="PayTrustDataSource.Build"/>).</summary>
    public static void PrepareSessionsOf(MySqlDataSource dataSource) => Preparing.AddOrUpdate(dataSource, true);

    /// <summary>Whether statements sent on this connection of this data source may be EXECUTEd.</summary>
    public static bool AreUsable(MySqlDataSource dataSource, MySqlConnection connection) =>
        Preparing.TryGetValue(dataSource, out _) && IsMariaDb(connection);

    public static bool IsMariaDb(MySqlConnection connection) => connection.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);

    /// <summary>The text to send for <paramref name="sql"/> on a prepared session: its prepared statements EXECUTEd.</summary>
    public static string Executing(string sql) => Executed.GetValue(sql, static text =>
    {
        foreach (var statement in All.Where(statement => text.Contains(statement.Sql, StringComparison.Ordinal)))
        {
            text = text.Replace(statement.Sql, statement.ExecuteText, StringComparison.Ordinal);
        }

        return text;
    });

    /// <summary>
    /// A statement in its three spellings: as written (with @Names), as prepared (with ?), and its EXECUTE, which names
    /// the same parameters in the same order, so the caller's parameter object fills it unchanged. A trailing ';' is
    /// kept in the EXECUTE, so a text of several statements stays one.
    /// </summary>
    private sealed record Prepared(string Name, string Sql, string PreparedText, string ExecuteText)
    {
        public static Prepared Of(string name, string sql)
        {
            var body = sql.TrimEnd().TrimEnd(';');
            var names = ParameterName().Matches(body).Select(match => match.Value).ToArray();
            var execute = $"EXECUTE {name} USING {string.Join(", ", names)}" + (sql.TrimEnd().EndsWith(';') ? ";" : "");
            return new Prepared(name, sql, ParameterName().Replace(body, "?"), execute);
        }
    }

    // The same as StatementBatch's: an @ not preceded by another @ or a word character (so not @@session variables).
    [GeneratedRegex(@"(?<![@\w])@\w+")]
    private static partial Regex ParameterName();
}
