using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using MySqlConnector;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>
/// Several statements with their own parameters as one multi-statement command (one round trip; the server
/// stops at the first statement that fails, so nothing after it runs). Each statement's parameters are renamed
/// with a prefix of their own, because the statements reuse names such as @Id. MySqlBatch would keep them
/// apart without renaming, but Dapper — which converts our parameter objects and NodaTime values — cannot fill one.
/// </summary>
internal sealed partial class StatementBatch
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> PropertiesByType = new();

    private readonly StringBuilder _sql = new();
    private readonly DynamicParameters _parameters = new();
    private readonly List<Func<MySqlException, Exception?>> _conflictHandlers = [];
    private int _count;

    public void Add(string sql, object? parameters, Func<MySqlException, Exception?>? onConflict = null)
    {
        var prefix = $"s{_count++}_";
        // Trailing separators trimmed: an empty statement in a multi-statement command is an error.
        _sql.Append(ParameterName().Replace(sql.TrimEnd().TrimEnd(';'), match => "@" + prefix + match.Groups[1].Value)).Append(";\n");
        foreach (var (name, value) in Values(parameters))
        {
            _parameters.Add(prefix + name, value);
        }

        if (onConflict is not null)
        {
            _conflictHandlers.Add(onConflict);
        }
    }

    /// <summary>The last statement, with its parameters as they are (its result sets are what the caller reads).</summary>
    public void AddUnprefixed(string sql, object parameters)
    {
        _sql.Append(sql);
        _parameters.AddDynamicParams(parameters);
    }

    public CommandDefinition ToCommand(CancellationToken cancellationToken) =>
        new(_sql.ToString(), _parameters, cancellationToken: cancellationToken);

    /// <summary>What a statement of this batch makes of a unique-key violation, if one claims it.</summary>
    public Exception? Translate(MySqlException failure) =>
        failure.ErrorCode == MySqlErrorCode.DuplicateKeyEntry
            ? _conflictHandlers.Select(handler => handler(failure)).FirstOrDefault(translated => translated is not null)
            : null;

    /// <summary>A parameter object's values by name, to extend with more before it is sent.</summary>
    public static Dictionary<string, object?> ToDictionary(object parameters) =>
        Values(parameters).ToDictionary(pair => pair.Name, pair => pair.Value);

    private static IEnumerable<(string Name, object? Value)> Values(object? parameters) => parameters switch
    {
        null => [],
        IEnumerable<KeyValuePair<string, object?>> pairs => pairs.Select(pair => (pair.Key, pair.Value)),
        _ => PropertiesByType.GetOrAdd(parameters.GetType(), type => type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Select(property => (property.Name, property.GetValue(parameters))),
    };

    // A parameter reference: @Name, never @@system variables.
    [GeneratedRegex(@"(?<![@\w])@(\w+)")]
    private static partial Regex ParameterName();
}
