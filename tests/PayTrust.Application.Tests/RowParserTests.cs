using Dapper;
using PayTrust.Infrastructure.Persistence;
using PayTrust.Testing;

namespace PayTrust.Application.Tests;

/// <summary>
/// A RowParser is made from the first reader it meets and kept for every later one (RowParser): what it keeps must be
/// the statement's layout only, never anything of that first reader or its row.
/// </summary>
public class RowParserTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    // Two columns of something else first, then the row's three, then one more: the payment locks read their rows from
    // an offset and for a length the same way. From a table, so every reader has the same column types, as a
    // production statement's do.
    private const string Statement = """
        SELECT 'x' AS ignored, 0 AS also_ignored, p.number, p.note, p.due_date, 'y' AS after_the_row
        FROM row_parser_probe p WHERE p.number = @Number
        """;

    private static readonly RowParser<Slice> Parser = new(2, 3);

    [Fact]
    public async Task A_kept_parser_reads_each_later_readers_own_row_from_its_offset()
    {
        var first = await ReadAsync(new Slice(1, "first", new DateTime(2026, 12, 2)));
        var second = await ReadAsync(new Slice(2, null, new DateTime(2027, 1, 31)));
        var third = await ReadAsync(new Slice(3, "third", new DateTime(2027, 2, 28)));

        Assert.Equal(new Slice(1, "first", new DateTime(2026, 12, 2)), first);
        Assert.Equal(new Slice(2, null, new DateTime(2027, 1, 31)), second);
        Assert.Equal(new Slice(3, "third", new DateTime(2027, 2, 28)), third);
    }

    // Each read on a connection of its own, so no reader, command or session is shared between them.
    private async Task<Slice> ReadAsync(Slice stored)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("""
            CREATE TABLE IF NOT EXISTS row_parser_probe (number BIGINT PRIMARY KEY, note VARCHAR(20) NULL, due_date DATETIME NOT NULL);
            REPLACE INTO row_parser_probe (number, note, due_date) VALUES (@Number, @Note, @DueDate);
            """, stored);
        await using var reader = await connection.ExecuteReaderAsync(Statement, new { stored.Number });
        Assert.True(await reader.ReadAsync());
        return Parser.Read(reader);
    }

    private sealed record Slice(long Number, string? Note, DateTime DueDate);
}
