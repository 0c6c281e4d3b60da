using System.Data.Common;
using MySqlConnector;
using PayTrust.Application.Abstractions;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>One pooled connection per request scope, opened lazily, with at most one transaction.</summary>
internal sealed class DbSession(MySqlDataSource dataSource) : IDbSession, IAsyncDisposable
{
    private MySqlConnection? _connection;
    private MySqlTransaction? _transaction;

    public DbTransaction? Transaction => _transaction;

    public async ValueTask<DbConnection> GetConnectionAsync(CancellationToken cancellationToken) =>
        await OpenAsync(cancellationToken);

    public async ValueTask BeginAsync(CancellationToken cancellationToken)
    {
        if (_transaction is not null)
        {
            throw new InvalidOperationException("A transaction is already open in this session.");
        }

        var connection = await OpenAsync(cancellationToken);
        _transaction = await connection.BeginTransactionAsync(cancellationToken);
    }

    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        var transaction = _transaction ?? throw new InvalidOperationException("No transaction to commit.");
        await transaction.CommitAsync(cancellationToken);
        await EndTransactionAsync();
    }

    public async ValueTask RollbackAsync(CancellationToken cancellationToken)
    {
        if (_transaction is null)
        {
            return;
        }

        try
        {
            await _transaction.RollbackAsync(cancellationToken);
        }
        catch (MySqlException)
        {
            // The connection is already broken; the server discards the transaction on its own.
            // Drop the connection so the next attempt gets a fresh one.
            await DropConnectionAsync();
        }
        finally
        {
            await EndTransactionAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await EndTransactionAsync();
        await DropConnectionAsync();
    }

    private async ValueTask<MySqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_connection is null)
        {
            _connection = await dataSource.OpenConnectionAsync(cancellationToken);
        }

        return _connection;
    }

    private async ValueTask EndTransactionAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
            _transaction = null;
        }
    }

    private async ValueTask DropConnectionAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }
}
