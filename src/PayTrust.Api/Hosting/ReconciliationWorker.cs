using Mediator;
using NodaTime;
using PayTrust.Application.Features.Reconciliation;

namespace PayTrust.Api.Hosting;

/// <summary>
/// Reconciliation (spec §7.7) every PayTrust:Workers:ReconciliationIntervalSeconds (default 60), unless
/// PayTrust:Workers:ReconciliationEnabled is false: pending attempts due for a check are asked about at their
/// gateway (batches claimed with SKIP LOCKED, so several instances share the work), then the money invariants of
/// invoices changed since the previous run are checked — all invoices on the first run after start.
/// </summary>
internal sealed class ReconciliationWorker(
    IServiceScopeFactory scopes, IConfiguration configuration, IClock clock, ILogger<ReconciliationWorker> logger) : BackgroundService
{
    private const int BatchSize = 20;

    // Invoices are stamped with the time their transaction started, which may be a little before a check that runs
    // while it is still open; looking back this much further means such a change is not skipped by the next check.
    private static readonly Duration InvariantOverlap = Duration.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("PayTrust:Workers:ReconciliationEnabled", true))
        {
            return;
        }

        var pendingAfter = Duration.FromMinutes(configuration.GetValue("PayTrust:Reconciliation:PendingAfterMinutes", ReconciliationSchedule.DefaultPendingAfter.TotalMinutes));
        Instant? lastCheck = null;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(configuration.GetValue("PayTrust:Workers:ReconciliationIntervalSeconds", 60.0)));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                int claimed;
                do
                {
                    await using var scope = scopes.CreateAsyncScope();
                    // A batch runs to completion even when shutdown starts: its claims are made, so stopping half-way only delays.
                    var results = await scope.ServiceProvider.GetRequiredService<IMediator>()
                        .Send(new ReconcilePendingAttempts(BatchSize, pendingAfter), CancellationToken.None);
                    claimed = results.Count;
                }
                while (claimed == BatchSize && !stoppingToken.IsCancellationRequested);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Reconciliation run failed; trying again next interval");
            }

            try
            {
                var started = clock.GetCurrentInstant();
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new CheckInvariants(lastCheck - InvariantOverlap), CancellationToken.None);
                lastCheck = started;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Invariant check failed; trying again next interval");
            }
        }
    }
}
