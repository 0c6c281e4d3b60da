using PayTrust.Application.Features.Invoices;

namespace PayTrust.Api.Hosting;

/// <summary>
/// Marks invoices whose expiry has passed as expired (spec §4), every PayTrust:Workers:ExpiryIntervalSeconds
/// (default 60). Several instances may run it at once: each batch takes its rows with SKIP LOCKED.
/// </summary>
internal sealed class InvoiceExpiryWorker(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<InvoiceExpiryWorker> logger)
    : PeriodicWorker(scopes, configuration, logger)
{
    private const int BatchSize = 100;

    protected override string Name => "Invoice expiry";

    protected override string EnabledKey => "PayTrust:Workers:ExpiryEnabled";

    protected override string IntervalKey => "PayTrust:Workers:ExpiryIntervalSeconds";

    protected override double DefaultIntervalSeconds => 60;

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var expired = await DrainAsync(mediator => mediator.Send(new ExpireDueInvoices(BatchSize), CancellationToken.None), BatchSize, stoppingToken);
        if (expired > 0)
        {
            logger.LogInformation("Expired {Count} invoices", expired);
        }
    }
}
