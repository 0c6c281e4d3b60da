using Dapper;
using MySqlConnector;
using PayTrust.Infrastructure.Persistence;
using PayTrust.Testing;

namespace PayTrust.Application.Tests;

/// <summary>
/// The session drives its transaction with SQL and queues writes until something needs an answer or the commit
/// (DbSession). These pin what that must never cost: a read that misses the transaction's own writes, a write kept
/// after its transaction failed, a statement after a failed one running on its own, a pooled connection handed back
/// inside a transaction.
/// </summary>
public class DbSessionTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private const string Insert = "INSERT INTO session_probe (id, note) VALUES (@Id, @Note)";

    [Fact]
    public async Task Queued_writes_are_seen_by_the_transactions_own_reads_and_by_others_only_after_commit()
    {
        await using var session = await SessionAsync();
        var (first, second) = (NewId(), NewId());
        await session.BeginAsync(CancellationToken.None);
        // The same parameter names, other values: each statement keeps its own.
        await session.WriteAsync(Insert, new { Id = first, Note = "first" }, CancellationToken.None);
        await session.WriteAsync(Insert, new { Id = second, Note = "second" }, CancellationToken.None);

        var connection = await session.GetConnectionAsync(CancellationToken.None);
        var ownRead = await connection.QueryAsync<string>("SELECT note FROM session_probe WHERE id IN @Ids ORDER BY note", new { Ids = new[] { first, second } });
        var othersBeforeCommit = await NotesAsync(first, second);
        await session.CommitAsync(CancellationToken.None);

        Assert.Equal(["first", "second"], ownRead);
        Assert.Empty(othersBeforeCommit);
        Assert.Equal(["first", "second"], await NotesAsync(first, second));
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT @@in_transaction"));
    }

    [Fact]
    public async Task A_conflict_in_the_commit_batch_surfaces_as_its_translation_and_keeps_nothing_not_even_the_statements_after_it()
    {
        var taken = NewId();
        await using (var setup = await SessionAsync())
        {
            await setup.WriteAsync(Insert, new { Id = taken, Note = "already there" }, CancellationToken.None);
        }

        await using var session = await SessionAsync();
        var (before, after, sentEarlier) = (NewId(), NewId(), NewId());
        await session.BeginAsync(CancellationToken.None);
        await session.ExecuteNowAsync(Insert, new { Id = sentEarlier, Note = "sent" }, CancellationToken.None);
        await session.WriteAsync(Insert, new { Id = before, Note = "before" }, CancellationToken.None);
        await session.WriteAsync(Insert, new { Id = taken, Note = "conflict" }, CancellationToken.None,
            onConflict: failure => failure.Message.Contains("PRIMARY", StringComparison.Ordinal) ? new ProbeConflictException() : null);
        await session.WriteAsync(Insert, new { Id = after, Note = "after" }, CancellationToken.None);

        await Assert.ThrowsAsync<ProbeConflictException>(async () => await session.CommitAsync(CancellationToken.None));
        Assert.True(session.InTransaction);
        await session.RollbackAsync(CancellationToken.None);

        Assert.Empty(await NotesAsync(before, after, sentEarlier));
        Assert.Equal(["already there"], await NotesAsync(taken));
        var connection = await session.GetConnectionAsync(CancellationToken.None);
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT @@in_transaction"));
    }

    [Fact]
    public async Task A_session_disposed_inside_its_transaction_rolls_it_back_before_the_pooled_connection_is_reused()
    {
        // One pooled connection, never reset on reuse (as in production): the next session gets the same one.
        await using var dataSource = new MySqlDataSource(new MySqlConnectionStringBuilder(database.ConnectionString)
        {
            Pooling = true, MaximumPoolSize = 1, ConnectionReset = false,
        }.ConnectionString);
        var abandoned = NewId();
        long connectionId;
        await using (var session = new DbSession(dataSource))
        {
            await session.BeginAsync(CancellationToken.None);
            await session.ExecuteNowAsync(Insert, new { Id = abandoned, Note = "abandoned" }, CancellationToken.None);
            connectionId = await (await session.GetConnectionAsync(CancellationToken.None)).ExecuteScalarAsync<long>("SELECT CONNECTION_ID()");
        }

        await using var next = new DbSession(dataSource);
        var connection = await next.GetConnectionAsync(CancellationToken.None);

        Assert.Equal(connectionId, await connection.ExecuteScalarAsync<long>("SELECT CONNECTION_ID()"));
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT @@in_transaction"));
        Assert.Empty(await NotesAsync(abandoned));
    }

    [Fact]
    public Task A_rollback_with_a_reader_left_open_still_discards_the_transaction_before_the_pooled_connection_is_reused() =>
        AssertTheNextSessionDoesNotCommitTheRolledBackOneAsync(async (session, id) =>
        {
            // As a handler that fails between reading and disposing its reader leaves it.
            _ = await session.ExecuteReaderAsync("SELECT note FROM session_probe WHERE id = @Id", new { Id = id }, CancellationToken.None);
            return null;
        });

    [Fact]
    public Task A_rollback_the_driver_refuses_marks_the_connection_so_no_later_session_commits_the_transaction() =>
        AssertTheNextSessionDoesNotCommitTheRolledBackOneAsync(async (session, id) =>
        {
            // A reader the session does not know of keeps the connection busy: the driver refuses the ROLLBACK, and the
            // connection goes back to the pool inside its transaction, marked; the next open rolls it back first.
            var connection = await session.GetConnectionAsync(CancellationToken.None);
            return await connection.ExecuteReaderAsync("SELECT note FROM session_probe WHERE id = @Id", new { Id = id });
        });

    [Fact]
    public async Task Outside_a_transaction_a_write_runs_at_once_and_a_transaction_that_sent_nothing_commits_without_a_statement()
    {
        await using var session = await SessionAsync();
        var id = NewId();

        await session.WriteAsync(Insert, new { Id = id, Note = "now" }, CancellationToken.None);
        var seenAtOnce = await NotesAsync(id);
        await session.BeginAsync(CancellationToken.None);
        await session.CommitAsync(CancellationToken.None);

        Assert.Equal(["now"], seenAtOnce);
        Assert.False(session.InTransaction);
    }

    private async Task<DbSession> SessionAsync()
    {
        await using (var connection = await database.OpenAsync())
        {
            await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS session_probe (id BIGINT PRIMARY KEY, note VARCHAR(40) NOT NULL)");
        }

        return new DbSession(new MySqlDataSource(database.ConnectionString));
    }

    private async Task<string[]> NotesAsync(params long[] ids)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<string>("SELECT note FROM session_probe WHERE id IN @Ids ORDER BY note", new { Ids = ids })).ToArray();
    }

    /// <summary>
    /// On a pool of one connection, never reset on reuse (as in production): a session inserts a row, leaves its
    /// connection busy as <paramref name="leaveBusy"/> does (what it returns stays open until after the rollback) and
    /// rolls back; the next session, whose START TRANSACTION would commit a transaction left open, inserts and commits.
    /// </summary>
    private async Task AssertTheNextSessionDoesNotCommitTheRolledBackOneAsync(Func<DbSession, long, Task<IAsyncDisposable?>> leaveBusy)
    {
        await (await SessionAsync()).DisposeAsync(); // the probe table
        // As the API builds it: its connection-opened callback is where a suspect connection is rolled back.
        await using var dataSource = PayTrustDataSource.Build(new MySqlConnectionStringBuilder(database.ConnectionString)
        {
            Pooling = true, MaximumPoolSize = 1, ConnectionReset = false,
        }.ConnectionString);
        var abandoned = NewId();
        await using (var session = new DbSession(dataSource))
        {
            await session.BeginAsync(CancellationToken.None);
            await session.ExecuteNowAsync(Insert, new { Id = abandoned, Note = "abandoned" }, CancellationToken.None);
            var busy = await leaveBusy(session, abandoned);
            await session.RollbackAsync(CancellationToken.None);
            if (busy is not null)
            {
                await busy.DisposeAsync();
            }
        }

        var next = NewId();
        await using (var session = new DbSession(dataSource))
        {
            await session.BeginAsync(CancellationToken.None);
            await session.ExecuteNowAsync(Insert, new { Id = next, Note = "next" }, CancellationToken.None);
            await session.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(["next"], await NotesAsync(abandoned, next));
    }

    private static long NewId() => Random.Shared.NextInt64(1, long.MaxValue);

    private sealed class ProbeConflictException : Exception;
}
