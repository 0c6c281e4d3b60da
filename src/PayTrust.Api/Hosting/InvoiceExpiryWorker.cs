using NodaTime;
using PayTrust.Application.Features.Invoices;

namespace PayTrust.Api.Hosting;

/// <summary>
/// Marks invoices whose expiry has passed as expired (spec §4), every PayTrust:Workers:ExpiryIntervalSeconds
/// (default 60). An invoice with an attempt still open at its gateway waits for it to resolve, or for
/// PayTrust:Invoices:ExpiryGraceMinutes (default 15) past the attempt's session expiry (spec §7.4 step 8).
/// Several instances may run it at once: each batch takes its rows with SKIP LOCKED.
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
        var grace = Duration.FromMinutes(Configuration.GetValue("PayTrust:Invoices:ExpiryGraceMinutes", ExpireDueInvoices.DefaultGrace.TotalMinutes));
        var expired = await DrainAsync(mediator => mediator.Send(new ExpireDueInvoices(BatchSize, grace), CancellationToken.None), BatchSize, stoppingToken);
        if (expired > 0)
        {
            logger.LogInformation("Expired {Count} invoices", expired);
        }
    }
}
