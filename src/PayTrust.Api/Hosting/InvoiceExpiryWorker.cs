using Mediator;
using PayTrust.Application.Features.Invoices;

namespace PayTrust.Api.Hosting;

/// <summary>
/// Marks invoices whose expiry has passed as expired (spec §4), every PayTrust:Workers:ExpiryIntervalSeconds
/// (default 60). Several instances may run it at once: each batch takes its rows with SKIP LOCKED. On
/// shutdown the current batch finishes (its transaction commits or rolls back whole).
/// </summary>
internal sealed class InvoiceExpiryWorker(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<InvoiceExpiryWorker> logger) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("PayTrust:Workers:ExpiryEnabled", true))
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(configuration.GetValue("PayTrust:Workers:ExpiryIntervalSeconds", 60.0)));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var expired = 0;
                int batch;
                do
                {
                    await using var scope = scopes.CreateAsyncScope();
                    // The batch runs to completion even when shutdown starts, so it never stops half-way.
                    batch = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ExpireDueInvoices(BatchSize), CancellationToken.None);
                    expired += batch;
                }
                while (batch == BatchSize && !stoppingToken.IsCancellationRequested);

                if (expired > 0)
                {
                    logger.LogInformation("Expired {Count} invoices", expired);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Invoice expiry run failed; trying again next interval");
            }
        }
    }
}
