using Microsoft.Extensions.Logging;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Webhooks;

/// <summary>What the gateway's status API made of a notification: the version to book, or the reason nothing is booked.</summary>
public sealed record Confirmation(GatewayNotification? Confirmed, string? RefusedOutcome);

/// <summary>
/// Asks the gateway before booking what a notification's signature does not cover (spec §7.4 step 2: "where in doubt
/// the gateway's status API is the arbiter"; ADR 32): Midtrans money out, deny and cancel — signed with a status_code a
/// settlement shares — and Xendit refund callbacks, whose token covers no body. Runs outside any transaction. What the
/// gateway answers is booked, never the unsigned words: a replayed settlement body dressed as a refund, or a late deny
/// of an earlier try, is refused as not_confirmed.
/// </summary>
public sealed class NotificationConfirmer(IEnumerable<ICheckoutGateway> gateways, ILogger<NotificationConfirmer> logger)
{
    public const string NotConfirmed = "not_confirmed";

    public async Task<Confirmation> ConfirmAsync(
        AttemptOwner owner, GatewayNotification notification, GatewayCredentials? credentials, CancellationToken cancellationToken)
    {
        var gateway = gateways.First(candidate => candidate.Code == notification.Gateway);
        var session = new GatewaySession(owner.Reference, owner.GatewayReference, Currency.Parse(owner.CurrencyCode));
        var answer = await gateway.ConfirmAsync(session, notification, credentials, cancellationToken);
        if (answer.IsFailed)
        {
            if (answer.Failure!.Category == FailureCategory.Transient)
            {
                // The gateway retries a notification we answer 503; nothing was booked.
                throw new PayTrustException(ErrorKind.Unavailable, "gateway_unavailable",
                    $"The notification could not be confirmed with {notification.Gateway} right now; it was not applied");
            }

            logger.LogWarning("The {Gateway} status API did not confirm a {Status} notification for attempt {AttemptReference}: {Failure} ({Detail})",
                notification.Gateway, notification.GatewayStatus, owner.Reference, answer.Failure.Code, answer.Detail);
            return new Confirmation(null, NotConfirmed);
        }

        var confirmed = answer.Value!;
        // The gateway must say the same kind of thing now: money out for money out, a rejection for a rejection.
        if (confirmed.Kind != notification.Kind || confirmed.Status.Status != notification.Status.Status)
        {
            logger.LogWarning("A {Gateway} {Status} notification for attempt {AttemptReference} was not confirmed: the status API says {Confirmed}",
                notification.Gateway, notification.GatewayStatus, owner.Reference, confirmed.GatewayStatus);
            return new Confirmation(null, NotConfirmed);
        }

        return new Confirmation(confirmed with { DedupKey = notification.DedupKey, NeedsConfirmation = false }, null);
    }
}
