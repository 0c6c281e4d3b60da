using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;
using PayTrust.Application.Behaviors;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Webhooks;

/// <summary>
/// Applies a verified notification and stores its event, in one transaction under the invoice row lock
/// (spec §7.4 steps 2–4). A duplicate — another delivery of the same event committed first, so the unique
/// (gateway, dedup_key) key refuses this one at commit — throws <see cref="DuplicateWebhookException"/>, which rolls back
/// everything it did.
/// </summary>
public sealed record ProcessWebhook(WebhookEventRecord Event, AttemptOwner Owner, GatewayNotification Notification)
    : ICommand<NotificationOutcome>, IInnerCommand;

internal sealed class ProcessWebhookHandler(
    IWebhookEventRepository events, NotificationApplier applier, IClock clock)
    : ICommandHandler<ProcessWebhook, NotificationOutcome>
{
    public async ValueTask<NotificationOutcome> Handle(ProcessWebhook command, CancellationToken cancellationToken)
    {
        var owner = command.Owner;
        var now = clock.GetCurrentInstant().ToStoragePrecision();
        var outcome = await applier.LockAndApplyAsync(
                owner.TenantId, owner.InvoiceId, owner.AttemptId, command.Notification, PaymentSource.Webhook, command.Event.Id, now, cancellationToken)
            ?? throw new InvalidOperationException($"Attempt {owner.AttemptId} of invoice {owner.InvoiceId} does not exist.");
        var stored = command.Event with { Status = outcome.EventStatus, Outcome = outcome.Outcome, ProcessedAt = now };
        await events.InsertWithCommitAsync(stored, cancellationToken);
        return outcome;
    }
}
