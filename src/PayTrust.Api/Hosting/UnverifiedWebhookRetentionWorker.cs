using NodaTime;
using PayTrust.Application.Features.Webhooks;

namespace PayTrust.Api.Hosting;

/// <summary>
/// Deletes webhook bodies refused before verification once they are PayTrust:Webhooks:UnverifiedRetentionDays old (default
/// 30), every PayTrust:Workers:UnverifiedWebhookRetentionIntervalSeconds (default an hour). Deletes are idempotent, so
/// several instances may run it.
/// </summary>
internal sealed class UnverifiedWebhookRetentionWorker(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<UnverifiedWebhookRetentionWorker> logger)
    : PeriodicWorker(scopes, configuration, logger)
{
    private const int BatchSize = 1000;

    protected override string Name => "Unverified webhook retention";

    protected override string EnabledKey => "PayTrust:Workers:UnverifiedWebhookRetentionEnabled";

    protected override string IntervalKey => "PayTrust:Workers:UnverifiedWebhookRetentionIntervalSeconds";

    protected override double DefaultIntervalSeconds => 3600;

    protected override Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var retention = Duration.FromDays(Configuration.GetValue("PayTrust:Webhooks:UnverifiedRetentionDays", 30));
        return DrainAsync(mediator => mediator.Send(new PruneUnverifiedWebhooks(retention, BatchSize), CancellationToken.None), BatchSize, stoppingToken);
    }
}
