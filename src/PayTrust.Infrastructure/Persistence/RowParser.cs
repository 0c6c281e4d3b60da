using System.Data.Common;
using Dapper;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>
/// Dapper's row parser for one result set of one fixed statement, made from the first row read and then kept for
/// the life of the process. Asking Dapper for a parser costs every column's name on every call: it hashes the names to
/// find its cached parser, and MySqlConnector decodes six strings per column to give one name. A statement that spells
/// out its columns always returns the same layout, so that is paid once, not on each payment. One instance per result
/// set of one statement: never share one between statements, even for the same row type.
/// </summary>
internal sealed class RowParser<T>(int startIndex = 0, int length = -1)
{
    // Two threads may both make it the first time; either parser is right, so the race is harmless.
    private Func<DbDataReader, T>? _parse;

    public T Read(DbDataReader reader) => (_parse ??= reader.GetRowParser<T>(typeof(T), startIndex, length))(reader);
}
