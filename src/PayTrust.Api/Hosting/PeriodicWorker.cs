using Mediator;

namespace PayTrust.Api.Hosting;

/// <summary>
/// A background job that runs every <c>{IntervalKey}</c> seconds unless <c>{EnabledKey}</c> is false. A failed run is
/// logged and tried again at the next tick; the jobs are all safe with several instances (they claim with SKIP LOCKED).
/// </summary>
internal abstract class PeriodicWorker(IServiceScopeFactory scopes, IConfiguration configuration, ILogger logger) : BackgroundService
{
    /// <summary>What the log calls this job ("Invoice expiry", …).</summary>
    protected abstract string Name { get; }

    protected abstract string EnabledKey { get; }

    protected abstract string IntervalKey { get; }

    protected abstract double DefaultIntervalSeconds { get; }

    protected IConfiguration Configuration => configuration;

    /// <summary>One run. <paramref name="stoppingToken"/> only says whether to start another batch: a started one finishes.</summary>
    protected abstract Task RunOnceAsync(CancellationToken stoppingToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue(EnabledKey, true))
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(configuration.GetValue(IntervalKey, DefaultIntervalSeconds)));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "{Job} run failed; trying again next interval", Name);
            }
        }
    }

    /// <summary>
    /// Sends batches, each in its own scope, while they come back full; returns how many items were handled. A batch
    /// runs to completion even when shutdown starts (its transaction commits or rolls back whole), so none stops half-way.
    /// </summary>
    protected async Task<int> DrainAsync(Func<IMediator, ValueTask<int>> batch, int batchSize, CancellationToken stoppingToken)
    {
        var total = 0;
        int handled;
        do
        {
            await using var scope = scopes.CreateAsyncScope();
            handled = await batch(scope.ServiceProvider.GetRequiredService<IMediator>());
            total += handled;
        }
        while (handled == batchSize && !stoppingToken.IsCancellationRequested);

        return total;
    }

    /// <summary>One piece of work in its own scope.</summary>
    protected async Task InScopeAsync(Func<IMediator, Task> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<IMediator>());
    }
}
