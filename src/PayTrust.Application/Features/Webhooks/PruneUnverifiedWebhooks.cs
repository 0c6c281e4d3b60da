using Mediator;
using Microsoft.Extensions.Logging;
using NodaTime;
using PayTrust.Application.Abstractions;

namespace PayTrust.Application.Features.Webhooks;

/// <summary>
/// Retention of bodies refused before verification (unknown reference, bad signature, unreadable; spec §13): those received
/// more than <paramref name="Retention"/> ago are deleted, at most <paramref name="Limit"/> per transaction. Verified events,
/// refused or not, are the tenant's payment records and stay. Returns how many were deleted.
/// </summary>
public sealed record PruneUnverifiedWebhooks(Duration Retention, int Limit) : ICommand<int>;

internal sealed class PruneUnverifiedWebhooksHandler(IWebhookEventRepository events, IClock clock, ILogger<PruneUnverifiedWebhooksHandler> logger)
    : ICommandHandler<PruneUnverifiedWebhooks, int>
{
    public async ValueTask<int> Handle(PruneUnverifiedWebhooks command, CancellationToken cancellationToken)
    {
        var deleted = await events.DeleteUnverifiedBeforeAsync(clock.GetCurrentInstant() - command.Retention, command.Limit, cancellationToken);
        if (deleted > 0)
        {
            logger.LogInformation("Deleted {Count} webhook bodies refused before verification", deleted);
        }

        return deleted;
    }
}
