using System.Data.Common;
using Dapper;
using MySqlConnector;
using PayTrust.Application.Abstractions;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>
/// One pooled connection per request scope, opened lazily, with at most one transaction.
/// <para>
/// The transaction is driven with plain SQL rather than a MySqlTransaction, so that its edges cost no round
/// trips of their own (docs/benchmarks.md: on this server throughput follows round trips): START TRANSACTION
/// travels with the transaction's first statement, and writes whose result nobody waits for
/// (<see cref="WriteAsync"/>) are queued and sent together with COMMIT. Anything that needs the database's
/// answer — <see cref="GetConnectionAsync"/>, <see cref="QueryMultipleAsync"/> — sends what is queued first,
/// in order, so every read sees the transaction's own writes.
/// </para>
/// </summary>
internal sealed class DbSession(MySqlDataSource dataSource) : IDbSession, IAsyncDisposable
{
    private const string StartTransaction = "START TRANSACTION";
    private const string Commit = "COMMIT";

    private MySqlConnection? _connection;
    // Whether the connection's session has PreparedStatements prepared, so that their texts are sent as EXECUTEs (ADR 27).
    private bool _executesPrepared;
    private TransactionState _transaction;
    private readonly List<QueuedWrite> _queued = [];
    // The reader last handed out, which may still be open: only the last can be, since the driver refuses any
    // command on a connection while a reader is open on it.
    private IAsyncDisposable? _lastReader;

    private enum TransactionState { None, Begun, Started }

    public bool InTransaction => _transaction != TransactionState.None;

    public async ValueTask<DbConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        if (HasUnsent)
        {
            var batch = TakeUnsent();
            await ExecuteAsync(connection, batch, cancellationToken);
        }

        return connection;
    }

    public ValueTask BeginAsync(CancellationToken cancellationToken)
    {
        if (_transaction != TransactionState.None)
        {
            throw new InvalidOperationException("A transaction is already open in this session.");
        }

        _transaction = TransactionState.Begun;
        return ValueTask.CompletedTask;
    }

    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        if (_transaction == TransactionState.None)
        {
            throw new InvalidOperationException("No transaction to commit.");
        }

        if (_transaction == TransactionState.Begun && _queued.Count == 0)
        {
            // Nothing was ever sent: there is nothing to commit.
            _transaction = TransactionState.None;
            return;
        }

        var connection = await OpenAsync(cancellationToken);
        var batch = TakeUnsent();
        batch.Add(Commit, null);
        await ExecuteAsync(connection, batch, cancellationToken);
        _transaction = TransactionState.None;
    }

    public async ValueTask RollbackAsync(CancellationToken cancellationToken)
    {
        _queued.Clear();
        var started = _transaction == TransactionState.Started;
        _transaction = TransactionState.None;
        if (started && _connection is not null)
        {
            try
            {
                // A reader still open (a handler that failed between reading and disposing it) would make the driver
                // refuse the ROLLBACK as "already in use", and the pooled connection would go back with the
                // transaction open, for the next session's START TRANSACTION to commit (ADR 17).
                if (_lastReader is { } reader)
                {
                    _lastReader = null;
                    await reader.DisposeAsync();
                }

                await _connection.ExecuteAsync(new CommandDefinition("ROLLBACK", cancellationToken: cancellationToken));
            }
            catch (MySqlException)
            {
                // The connection is already broken; the server discards the transaction on its own.
                // Drop the connection so the next attempt gets a fresh one.
                await DropConnectionAsync();
            }
            catch (InvalidOperationException) when (_connection.State != System.Data.ConnectionState.Open)
            {
                // Broken by the failure being rolled back (the database went away, say): as above, the server has
                // discarded the transaction, and the driver does not pool a broken connection again.
                await DropConnectionAsync();
            }
            catch (InvalidOperationException)
            {
                // The driver refused the ROLLBACK on a connection that still works (still in use, say), so the transaction
                // may be open on it, and it goes back to the pool as it is. It is marked: whoever opens it next, through
                // this pool, rolls it back before sending anything (PayTrustDataSource), and the pool hands out the
                // connection returned last first, so that is the next open.
                SuspectConnections.Mark(_connection.ServerThread);
                await DropConnectionAsync();
            }
        }
    }

    /// <summary>
    /// A write whose result nobody waits for: inside a transaction it is queued and sent with the next statement
    /// that needs an answer, or with COMMIT; outside one it runs now. A unique-key violation it causes surfaces
    /// wherever it is sent, as whatever <paramref name="onConflict"/> makes of it (or as the MySqlException).
    /// </summary>
    public async ValueTask WriteAsync(string sql, object? parameters, CancellationToken cancellationToken, Func<MySqlException, Exception?>? onConflict = null)
    {
        _queued.Add(new QueuedWrite(sql, parameters, onConflict));
        if (_transaction == TransactionState.None)
        {
            await GetConnectionAsync(cancellationToken);
        }
    }

    /// <summary>
    /// A write whose answer is needed now (to tell a unique-key conflict, say), sent in the same round trip as
    /// everything still queued before it; a failure surfaces as the MySqlException (or a queued write's translation).
    /// </summary>
    public async Task ExecuteNowAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        sql = AsSent(sql);
        if (!HasUnsent)
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
            return;
        }

        var batch = TakeUnsent(sql.Length);
        batch.Add(sql, parameters);
        await ExecuteAsync(connection, batch, cancellationToken);
    }

    /// <summary>A read of several result sets, sent in the same round trip as everything still queued before it.</summary>
    public Task<SqlMapper.GridReader> QueryMultipleAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        ReadAsync(sql, parameters, (connection, command) => connection.QueryMultipleAsync(command), cancellationToken);

    /// <summary>
    /// <see cref="QueryMultipleAsync"/> as a plain data reader, for result sets read with Dapper's row parsers
    /// (a row made of two types side by side, which the grid reader can only split synchronously).
    /// </summary>
    public Task<DbDataReader> ExecuteReaderAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        ReadAsync(sql, parameters, (connection, command) => connection.ExecuteReaderAsync(command), cancellationToken);

    private async Task<T> ReadAsync<T>(string sql, object parameters, Func<MySqlConnection, CommandDefinition, Task<T>> read, CancellationToken cancellationToken)
        where T : IAsyncDisposable
    {
        var connection = await OpenAsync(cancellationToken);
        sql = AsSent(sql);
        if (!HasUnsent)
        {
            return Tracked(await read(connection, new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)));
        }

        var batch = TakeUnsent(sql.Length);
        batch.AddUnprefixed(sql, parameters);
        try
        {
            return Tracked(await read(connection, batch.ToCommand(cancellationToken)));
        }
        catch (MySqlException failure) when (batch.Translate(failure) is { } translated)
        {
            throw translated;
        }
    }

    private T Tracked<T>(T reader) where T : IAsyncDisposable
    {
        _lastReader = reader;
        return reader;
    }

    public async ValueTask DisposeAsync()
    {
        // A pooled connection keeps its session (Connection Reset=false): never hand one back inside a transaction.
        await RollbackAsync(CancellationToken.None);
        await DropConnectionAsync();
    }

    private bool HasUnsent => _transaction == TransactionState.Begun || _queued.Count > 0;

    private StatementBatch TakeUnsent(int moreLength = 0)
    {
        var length = moreLength + StartTransaction.Length + Commit.Length;
        foreach (var write in _queued)
        {
            length += write.Sql.Length;
        }

        var batch = new StatementBatch(length);
        if (_transaction == TransactionState.Begun)
        {
            batch.Add(StartTransaction, null);
            // From here the server has (or, if this round trip fails, may have) a transaction to end.
            _transaction = TransactionState.Started;
        }

        foreach (var write in _queued)
        {
            batch.Add(AsSent(write.Sql), write.Parameters, write.OnConflict);
        }

        _queued.Clear();
        return batch;
    }

    private static async Task ExecuteAsync(MySqlConnection connection, StatementBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await connection.ExecuteAsync(batch.ToCommand(cancellationToken));
        }
        catch (MySqlException failure) when (batch.Translate(failure) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>The text to send: the prepared statements in it as EXECUTEs when the session has them. Called with the connection open.</summary>
    private string AsSent(string sql) => _executesPrepared ? PreparedStatements.Executing(sql) : sql;

    private async ValueTask<MySqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_connection is null)
        {
            _connection = await dataSource.OpenConnectionAsync(cancellationToken);
            _executesPrepared = PreparedStatements.AreUsable(dataSource, _connection);
        }

        return _connection;
    }

    private async ValueTask DropConnectionAsync()
    {
        if (_connection is not null)
        {
            try
            {
                await _connection.DisposeAsync();
            }
            catch (MySqlException)
            {
                // Closing a connection that broke may fail while it drains a reader; it is not pooled again either way.
            }

            _connection = null;
        }
    }

    private sealed record QueuedWrite(string Sql, object? Parameters, Func<MySqlException, Exception?>? OnConflict);
}
