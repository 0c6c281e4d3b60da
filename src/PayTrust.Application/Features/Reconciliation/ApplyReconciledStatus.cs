using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;
using PayTrust.Application.Behaviors;
using PayTrust.Application.Features.Webhooks;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Reconciliation;

/// <summary>
/// Applies what a gateway's status API said about a pending attempt (spec §7.7), under the invoice row lock and
/// through <see cref="NotificationApplier"/> — the path webhooks take — so a webhook and reconciliation reporting
/// the same payment apply it once: whichever comes second finds the payment (unique per gateway transaction id)
/// and concludes already_applied, or finds the attempt closed.
/// </summary>
public sealed record ApplyReconciledStatus(Guid TenantId, Guid InvoiceId, Guid AttemptId, GatewayNotification Notification)
    : ICommand<NotificationOutcome?>, IInnerCommand;

internal sealed class ApplyReconciledStatusHandler(NotificationApplier applier, IClock clock)
    : ICommandHandler<ApplyReconciledStatus, NotificationOutcome?>
{
    public async ValueTask<NotificationOutcome?> Handle(ApplyReconciledStatus command, CancellationToken cancellationToken)
    {
        return await applier.LockAndApplyAsync(
            command.TenantId, command.InvoiceId, command.AttemptId, command.Notification, PaymentSource.Reconciliation, eventId: null,
            clock.GetCurrentInstant().ToStoragePrecision(), cancellationToken);
    }
}
