using NodaTime;
using PayTrust.Application.Features.Reconciliation;
using PayTrust.Application.Features.Sessions;

namespace PayTrust.Api.Hosting;

/// <summary>
/// Reconciliation (spec §7.7) every PayTrust:Workers:ReconciliationIntervalSeconds (default 60), unless
/// PayTrust:Workers:ReconciliationEnabled is false: pending attempts due for a check are asked about at their
/// gateway (batches claimed with SKIP LOCKED, so several instances share the work), then the session sweep looks up
/// sessions PayTrust no longer wants paid and closes them (ADR 31), then the money invariants of invoices changed since
/// the previous run are checked — all invoices on the first run after start.
/// </summary>
internal sealed class ReconciliationWorker(
    IServiceScopeFactory scopes, IConfiguration configuration, IClock clock, ILogger<ReconciliationWorker> logger)
    : PeriodicWorker(scopes, configuration, logger)
{
    private const int BatchSize = 20;

    // Invoices are stamped with the time their transaction started, which may be a little before a check that runs
    // while it is still open; looking back this much further means such a change is not skipped by the next check.
    private static readonly Duration InvariantOverlap = Duration.FromMinutes(5);

    private Instant? _lastCheck;

    protected override string Name => "Reconciliation";

    protected override string EnabledKey => "PayTrust:Workers:ReconciliationEnabled";

    protected override string IntervalKey => "PayTrust:Workers:ReconciliationIntervalSeconds";

    protected override double DefaultIntervalSeconds => 60;

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var pendingAfter = Duration.FromMinutes(Configuration.GetValue("PayTrust:Reconciliation:PendingAfterMinutes", ReconciliationSchedule.DefaultPendingAfter.TotalMinutes));
        try
        {
            // Claims are made before the gateways are asked, so a batch stopped by shutdown only delays its attempts.
            await DrainAsync(
                async mediator => (await mediator.Send(new ReconcilePendingAttempts(BatchSize, pendingAfter), CancellationToken.None)).Count,
                BatchSize, stoppingToken);
            await DrainAsync(
                async mediator => (await mediator.Send(new SweepSessions(BatchSize), CancellationToken.None)).Count,
                BatchSize, stoppingToken);
        }
        finally
        {
            // The invariants are checked even when reconciliation failed: they say whether the books are right, whatever the gateways did.
            var started = clock.GetCurrentInstant();
            await InScopeAsync(async mediator => await mediator.Send(new CheckInvariants(_lastCheck - InvariantOverlap), CancellationToken.None));
            _lastCheck = started;
        }
    }
}
