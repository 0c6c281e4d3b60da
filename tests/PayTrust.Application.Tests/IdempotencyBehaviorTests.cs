using Dapper;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Behaviors;
using PayTrust.Infrastructure.Persistence;
using PayTrust.Testing;

namespace PayTrust.Application.Tests;

public sealed class IdempotencyBehaviorTests(TestDatabase database) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly MySqlDataSource _dataSource = new(database.ConnectionString);

    public sealed record Touch(string Name) : ICommand<string>;

    [Fact]
    public async Task An_unexpected_failure_releases_the_key_so_a_retry_runs_afresh()
    {
        var key = $"crash-{Guid.NewGuid():N}";

        await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(key, () => throw new InvalidOperationException("database fell over")));

        Assert.Equal(0, await KeyRowsAsync(key));
        var retried = await RunAsync(key, () => Task.FromResult("second try"));
        Assert.Equal("second try", retried.Response);
        Assert.False(retried.Replayed);
        Assert.Equal(1, await KeyRowsAsync(key));
    }

    [Fact]
    public async Task A_completed_key_replays_without_running_the_handler_again()
    {
        var key = $"done-{Guid.NewGuid():N}";
        var runs = 0;

        await RunAsync(key, () => Task.FromResult($"run {++runs}"));
        var replay = await RunAsync(key, () => Task.FromResult($"run {++runs}"));

        Assert.Equal("run 1", replay.Response);
        Assert.True(replay.Replayed);
        Assert.Equal(1, runs);
    }

    public void Dispose() => _dataSource.Dispose();

    private async Task<(string Response, bool Replayed)> RunAsync(string key, Func<Task<string>> handler)
    {
        await using var session = new DbSession(_dataSource);
        var request = new IdempotencyRequest();
        request.Set("tenant-a", key, new byte[32]);
        var store = new IdempotencyStore(_dataSource, session, new ConfigurationBuilder().Build());
        var idempotency = new IdempotencyBehavior<Touch, string>(request, store, SystemClock.Instance);
        var transaction = new TransactionBehavior<Touch, string>(session, new MySqlDatabaseErrors(), new AfterCommit(NullLogger<AfterCommit>.Instance), NullLogger<TransactionBehavior<Touch, string>>.Instance);
        var response = await transaction.Handle(
            new Touch("x"),
            (message, ct) => idempotency.Handle(message, async (_, _) => await handler(), ct),
            CancellationToken.None);
        return (response, request.Replayed);
    }

    private async Task<int> KeyRowsAsync(string key)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM idempotency_keys WHERE idempotency_key = @key", new { key });
    }
}
