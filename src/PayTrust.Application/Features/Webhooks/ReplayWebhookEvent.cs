using Mediator;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Errors;

namespace PayTrust.Application.Features.Webhooks;

/// <summary>
/// POST /webhooks/events/{id}/replay (spec §7.4 step 5): process a stored event again now. A tenant replays its
/// own events (another tenant's is 404); the administrator any. Replaying an applied event changes nothing.
/// </summary>
public sealed record ReplayWebhookEvent(Guid EventId) : IRequest<WebhookEventView>;

internal sealed class ReplayWebhookEventHandler(ISender sender, ICallerContext caller, IDatabaseErrors databaseErrors)
    : IRequestHandler<ReplayWebhookEvent, WebhookEventView>
{
    public async ValueTask<WebhookEventView> Handle(ReplayWebhookEvent request, CancellationToken cancellationToken)
    {
        var tenant = caller.IsAdmin ? null : (Guid?)caller.RequireTenant();
        try
        {
            return (await sender.Send(new ReprocessWebhookEvent(request.EventId, tenant, IsScheduledRetry: false), cancellationToken))!;
        }
        catch (Exception failure) when (WebhookRetrySchedule.IsTransient(failure, databaseErrors))
        {
            throw new PayTrustException(ErrorKind.Unavailable, "database_unavailable", "The event could not be processed right now; try again later", failure);
        }
    }
}
