using System.Data.Common;
using Dapper;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>
/// Dapper's row parser for one column layout, made from the first row read and then kept for the life of the
/// process. Asked for a parser, Dapper hashes and then compares every column's name and type on every call to find
/// its cached one, and the first read of a name in a result set makes MySqlConnector decode six strings. A statement
/// that spells out its columns always returns the same layout, so that is paid once, not on each payment. Share an
/// instance only between result sets built from the same column list (the same names and types from its start on):
/// one statement, or statements that begin with it.
/// </summary>
internal sealed class RowParser<T>(int startIndex = 0, int length = -1)
{
    // Two threads may both make it the first time; either parser is right, so the race is harmless.
    private Func<DbDataReader, T>? _parse;

    public T Read(DbDataReader reader) => (_parse ??= reader.GetRowParser<T>(typeof(T), startIndex, length))(reader);
}
