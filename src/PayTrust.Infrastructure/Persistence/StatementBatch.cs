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
    private static readonly ConcurrentDictionary<Type, Dictionary<string, PropertyInfo>> PropertiesByType = new();

    // The prefixes of the first statements, made once: a transaction's batch rarely has more than a few.
    private static readonly string[] Prefixes = Enumerable.Range(0, 16).Select(position => $"s{position}_").ToArray();

    private readonly StringBuilder _sql;
    private readonly DynamicParameters _parameters = new();
    private readonly List<Func<MySqlException, Exception?>> _conflictHandlers = [];
    private readonly HashSet<string> _named = new(StringComparer.OrdinalIgnoreCase); // the current statement's values
    private int _count;

    /// <summary>A batch for statements of about <paramref name="sqlLength"/> characters in all, as written.</summary>
    public StatementBatch(int sqlLength = 0)
    {
        // Room for them once, with their prefixes: giving room per statement (EnsureCapacity) copied the last chunk
        // each time, and the payment lock with its attempts is some 1,100 characters.
        _sql = new StringBuilder(sqlLength + sqlLength / 4 + 64);
    }

    public void Add(string sql, object? parameters, Func<MySqlException, Exception?>? onConflict = null)
    {
        var prefix = Prefix(_count++);
        // Trailing separators trimmed: an empty statement in a multi-statement command is an error.
        var statement = sql.AsSpan().TrimEnd().TrimEnd(';');
        _named.Clear();
        var named = _named.GetAlternateLookup<ReadOnlySpan<char>>();
        var copied = 0;
        foreach (var match in ParameterName().EnumerateMatches(statement))
        {
            var name = statement.Slice(match.Index + 1, match.Length - 1);
            _sql.Append(statement[copied..match.Index]).Append('@').Append(prefix).Append(name);
            copied = match.Index + match.Length;
            // Only what the statement names is sent, once, under the parameter object's own spelling of the name: an
            // entity's parameter object often carries more, and each value sent is converted three times over (by
            // Dapper, MySqlConnector and its SQL parser). A name without a value is left for the server to refuse. A
            // repeated name (an invoice write repeats @Id for every line) is neither looked up nor read again.
            if (!named.Contains(name) && TryGetValue(parameters, name, out var key, out var value))
            {
                _named.Add(key);
                _parameters.Add(string.Concat(prefix, key), value);
            }
        }

        _sql.Append(statement[copied..]).Append(";\n");
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

    /// <summary>A parameter object's values by name (without regard to case), to extend with more before it is sent.</summary>
    public static Dictionary<string, object?> ToDictionary(object parameters) => parameters is IEnumerable<KeyValuePair<string, object?>> pairs
        ? new Dictionary<string, object?>(pairs, StringComparer.OrdinalIgnoreCase)
        : Properties(parameters.GetType()).ToDictionary(pair => pair.Key, pair => pair.Value.GetValue(parameters), StringComparer.OrdinalIgnoreCase);

    // By name without regard to case, as MySqlConnector matches parameter names; key is the object's own spelling.
    private static bool TryGetValue(object? parameters, ReadOnlySpan<char> name, out string key, out object? value)
    {
        switch (parameters)
        {
            case null:
                break;
            case Dictionary<string, object?> values when values.Comparer == StringComparer.OrdinalIgnoreCase:
                return values.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out key!, out value);
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                foreach (var pair in pairs)
                {
                    if (name.Equals(pair.Key, StringComparison.OrdinalIgnoreCase))
                    {
                        (key, value) = (pair.Key, pair.Value);
                        return true;
                    }
                }

                break;
            default:
                if (Properties(parameters.GetType()).GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out key!, out var property))
                {
                    value = property.GetValue(parameters);
                    return true;
                }

                break;
        }

        (key, value) = (string.Empty, null);
        return false;
    }

    private static Dictionary<string, PropertyInfo> Properties(Type type) =>
        PropertiesByType.GetOrAdd(type, static type => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .ToDictionary(property => property.Name, StringComparer.OrdinalIgnoreCase));

    private static string Prefix(int position) => position < Prefixes.Length ? Prefixes[position] : $"s{position}_";

    // A parameter reference: @Name, never @@system variables.
    [GeneratedRegex(@"(?<![@\w])@\w+")]
    private static partial Regex ParameterName();
}
