using Mediator;
using PayTrust.Application.Features.Webhooks;

namespace PayTrust.Api.Hosting;

/// <summary>
/// Runs PayTrust's own webhook retries (spec §7.4 step 5) every PayTrust:Workers:WebhookRetryIntervalSeconds
/// (default 15). The schedule lives in the database, so a restart loses nothing; several instances may run it.
/// </summary>
internal sealed class WebhookRetryWorker(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<WebhookRetryWorker> logger) : BackgroundService
{
    private const int BatchSize = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("PayTrust:Workers:WebhookRetryEnabled", true))
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(configuration.GetValue("PayTrust:Workers:WebhookRetryIntervalSeconds", 15.0)));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                int tried;
                do
                {
                    await using var scope = scopes.CreateAsyncScope();
                    tried = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new RetryDueWebhooks(BatchSize), CancellationToken.None);
                }
                while (tried == BatchSize && !stoppingToken.IsCancellationRequested);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Webhook retry run failed; trying again next interval");
            }
        }
    }
}
