using PayTrust.Application.Features.Webhooks;

namespace PayTrust.Api.Hosting;

/// <summary>
/// Runs PayTrust's own webhook retries (spec §7.4 step 5) every PayTrust:Workers:WebhookRetryIntervalSeconds
/// (default 15). The schedule lives in the database, so a restart loses nothing; several instances may run it.
/// </summary>
internal sealed class WebhookRetryWorker(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<WebhookRetryWorker> logger)
    : PeriodicWorker(scopes, configuration, logger)
{
    private const int BatchSize = 50;

    protected override string Name => "Webhook retry";

    protected override string EnabledKey => "PayTrust:Workers:WebhookRetryEnabled";

    protected override string IntervalKey => "PayTrust:Workers:WebhookRetryIntervalSeconds";

    protected override double DefaultIntervalSeconds => 15;

    protected override Task RunOnceAsync(CancellationToken stoppingToken) =>
        DrainAsync(mediator => mediator.Send(new RetryDueWebhooks(BatchSize), CancellationToken.None), BatchSize, stoppingToken);
}
