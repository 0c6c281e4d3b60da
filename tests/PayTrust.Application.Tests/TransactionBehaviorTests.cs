using Dapper;
using Mediator;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;
using PayTrust.Application.Behaviors;
using PayTrust.Domain.Errors;
using PayTrust.Infrastructure.Persistence;
using PayTrust.Testing;

namespace PayTrust.Application.Tests;

public sealed class TransactionBehaviorTests(TestDatabase database) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly MySqlDataSource _dataSource = new(database.ConnectionString);

    public sealed record RenameGateway(string Code, string Name) : ICommand<int>;

    [Fact]
    public async Task Commits_what_the_handler_wrote()
    {
        await RunAsync(new RenameGateway("sandbox", "Committed"), (session, command) => RenameAsync(session, command));

        Assert.Equal("Committed", await GatewayNameAsync("sandbox"));
    }

    [Fact]
    public async Task A_failing_handler_leaves_nothing_written()
    {
        var before = await GatewayNameAsync("midtrans");

        await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(new RenameGateway("midtrans", "Half-written"), async (session, command) =>
        {
            await RenameAsync(session, command);
            throw new InvalidOperationException("the handler failed after writing");
        }));

        Assert.Equal(before, await GatewayNameAsync("midtrans"));
    }

    [Fact]
    public async Task A_lock_wait_timeout_reruns_the_whole_transaction()
    {
        await using var holder = await LockGatewayRowAsync("xendit");
        var attempts = 0;

        await RunAsync(new RenameGateway("xendit", "After retry"), async (session, command) =>
        {
            attempts++;
            if (attempts == 2)
            {
                // The competing transaction finishes while the first attempt backs off.
                await holder.Transaction.RollbackAsync();
            }

            return await RenameAsync(session, command, lockWaitSeconds: 1);
        });

        Assert.Equal(2, attempts);
        Assert.Equal("After retry", await GatewayNameAsync("xendit"));
    }

    [Fact]
    public async Task A_lock_held_through_every_attempt_ends_in_a_conflict_after_three_tries()
    {
        await using var holder = await LockGatewayRowAsync("xendit");
        var attempts = 0;

        var conflict = await Assert.ThrowsAsync<PayTrustException>(() => RunAsync(new RenameGateway("xendit", "Never"), async (session, command) =>
        {
            attempts++;
            return await RenameAsync(session, command, lockWaitSeconds: 1);
        }));

        Assert.Equal(TransactionRetry.MaxAttempts, attempts);
        Assert.Equal(ErrorKind.Conflict, conflict.Kind);
        Assert.Equal("concurrent_modification", conflict.Code);
    }

    [Fact]
    public void Backoff_is_100_then_200_ms_with_at_most_20_ms_jitter()
    {
        for (var i = 0; i < 200; i++)
        {
            Assert.InRange(TransactionRetry.Backoff(0).TotalMilliseconds, 80, 120);
            Assert.InRange(TransactionRetry.Backoff(1).TotalMilliseconds, 180, 220);
        }
    }

    public void Dispose() => _dataSource.Dispose();

    private async Task<int> RunAsync(RenameGateway command, Func<DbSession, RenameGateway, Task<int>> handler)
    {
        await using var session = new DbSession(_dataSource);
        var behavior = new TransactionBehavior<RenameGateway, int>(session, new MySqlDatabaseErrors(), new AfterCommit(NullLogger<AfterCommit>.Instance), NullLogger<TransactionBehavior<RenameGateway, int>>.Instance);
        return await behavior.Handle(command, async (message, _) => await handler(session, message), CancellationToken.None);
    }

    private static async Task<int> RenameAsync(DbSession session, RenameGateway command, int lockWaitSeconds = 5)
    {
        var connection = await session.GetConnectionAsync(CancellationToken.None);
        await connection.ExecuteAsync($"SET SESSION innodb_lock_wait_timeout = {lockWaitSeconds}");
        return await connection.ExecuteAsync(
            "UPDATE gateways SET name = @Name WHERE code = @Code", new { command.Name, command.Code });
    }

    private async Task<string> GatewayNameAsync(string code)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string>("SELECT name FROM gateways WHERE code = @code", new { code }) ?? "";
    }

    private async Task<RowLock> LockGatewayRowAsync(string code)
    {
        var connection = await _dataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("SELECT * FROM gateways WHERE code = @code FOR UPDATE", new { code }, transaction);
        return new RowLock(connection, transaction);
    }

    private sealed record RowLock(MySqlConnection Connection, MySqlTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}
