using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Behaviors;
using PayTrust.Application.Features.Invoices;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Payments;

/// <summary>
/// Step 3 of taking an attempt, after the gateway opened a session: under the invoice lock, the attempt
/// becomes pending with the gateway's reference and URL, and the invoice records its first initiation
/// (payment_initiated_at, draft → pending). If the invoice closed meanwhile, the attempt is expired instead.
/// </summary>
public sealed record RecordCheckoutOpened(Guid TenantId, Guid InvoiceId, Guid AttemptId, CheckoutSession Session) : ICommand<CheckoutRecording>, IInnerCommand;

/// <summary>The opened attempt, or null when it was not opened (the invoice closed, or the attempt was abandoned meanwhile).</summary>
public sealed record CheckoutRecording(PaymentAttemptView? OpenedAttempt);

internal sealed class RecordCheckoutOpenedHandler(IInvoiceRepository invoices, IPaymentAttemptRepository attempts, IClock clock)
    : ICommandHandler<RecordCheckoutOpened, CheckoutRecording>
{
    public async ValueTask<CheckoutRecording> Handle(RecordCheckoutOpened command, CancellationToken cancellationToken)
    {
        var locked = await attempts.LockInvoiceAsync(command.TenantId, command.InvoiceId, cancellationToken)
            ?? throw InvoiceSupport.NotFound(command.InvoiceId);
        var invoice = locked.Invoice;
        var now = clock.GetCurrentInstant();

        // No longer creating: abandoned by a later request (this one outlived PaymentAttempt.AbandonedAfter),
        // so the session is not ours to hand out.
        if (locked.Active.FirstOrDefault(active => active.Id == command.AttemptId) is not { Status: PaymentAttemptStatus.Creating } attempt)
        {
            return new CheckoutRecording(null);
        }

        if (!invoice.CanTakePaymentAt(now))
        {
            attempt.Expire(now);
            await attempts.UpdateAsync(attempt, cancellationToken);
            return new CheckoutRecording(null);
        }

        attempt.Open(command.Session.GatewayReference, command.Session.CheckoutUrl, command.Session.ExpiresAt, now);
        await attempts.UpdateAsync(attempt, cancellationToken);
        if (invoice.MarkPaymentInitiated(now))
        {
            await invoices.UpdateAsync(invoice, cancellationToken);
        }

        return new CheckoutRecording(PaymentAttemptView.Of(attempt));
    }
}
