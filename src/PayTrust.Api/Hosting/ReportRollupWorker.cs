using PayTrust.Application.Features.Reports;

namespace PayTrust.Api.Hosting;

/// <summary>
/// Rolls up each tenant's closed days for the financial report (ADR 16) every
/// PayTrust:Workers:ReportRollupIntervalSeconds (default 300), unless PayTrust:Workers:ReportRollupEnabled is false.
/// A day is closed <see cref="ReportDays.Grace"/> after its midnight UTC; a report reads days not rolled up yet live,
/// so the job only makes reports faster, never different. Several instances may run it: each batch claims a tenant
/// with SKIP LOCKED.
/// </summary>
internal sealed class ReportRollupWorker(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<ReportRollupWorker> logger)
    : PeriodicWorker(scopes, configuration, logger)
{
    // Days per transaction: a month of one tenant keeps each transaction short.
    private const int DaysPerBatch = 31;

    protected override string Name => "Report roll-up";

    protected override string EnabledKey => "PayTrust:Workers:ReportRollupEnabled";

    protected override string IntervalKey => "PayTrust:Workers:ReportRollupIntervalSeconds";

    protected override double DefaultIntervalSeconds => 300;

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var batches = await DrainAsync(mediator => mediator.Send(new RollUpReportDays(DaysPerBatch), CancellationToken.None), 1, stoppingToken);
        if (batches > 0)
        {
            logger.LogInformation("Rolled up report days in {Batches} batches", batches);
        }
    }
}
