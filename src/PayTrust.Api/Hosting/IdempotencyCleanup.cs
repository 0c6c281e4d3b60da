using NodaTime;
using PayTrust.Application.Abstractions;

namespace PayTrust.Api.Hosting;

/// <summary>Deletes idempotency keys past their retention (24 h by default), hourly. Safe on several instances: deletes are idempotent.</summary>
internal sealed class IdempotencyCleanup(IServiceScopeFactory scopes, IClock clock, ILogger<IdempotencyCleanup> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var deleted = await scope.ServiceProvider.GetRequiredService<IIdempotencyStore>().DeleteExpiredAsync(clock.GetCurrentInstant(), stoppingToken);
                if (deleted > 0)
                {
                    logger.LogInformation("Deleted {Count} expired idempotency keys", deleted);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Idempotency key cleanup failed; retrying in an hour");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
