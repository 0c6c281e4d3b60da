using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Behaviors;
using PayTrust.Application.Features.Invoices;
using PayTrust.Application.Features.Sessions;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Payments;

/// <summary>
/// Step 3 of taking an attempt, after the gateway opened a session: under the invoice lock (its header and the attempt's
/// installment only), the attempt becomes pending with the gateway's reference and URL, and the invoice records its first
/// initiation (payment_initiated_at, draft → pending) — if the session is still wanted. It is not when the invoice closed
/// meanwhile, when what it asks for changed (a draft revised, installments rescheduled, money arrived by another channel:
/// a session is never opened for an amount no longer due, spec §7.4 step 9), or when the attempt was given up; then the
/// session is kept on the attempt, marked for the session sweep, and handed back to be closed at the gateway.
/// </summary>
public sealed record RecordCheckoutOpened(Guid TenantId, Guid InvoiceId, Guid AttemptId, CheckoutSession Session) : ICommand<CheckoutRecording>, IInnerCommand;

/// <summary>Why an opened session was not handed out.</summary>
public enum CheckoutDiscarded
{
    /// <summary>The invoice was paid, cancelled or expired meanwhile.</summary>
    InvoiceClosed,
    /// <summary>The invoice no longer asks for this attempt's amount (or installment, or gateway).</summary>
    InvoiceChanged,
    /// <summary>A later request gave the attempt up (it outlived PaymentAttempt.AbandonedAfter) and took its own.</summary>
    AttemptGivenUp,
}

/// <summary>The opened attempt; or, when it was not opened, why, and the session to close at the gateway.</summary>
public sealed record CheckoutRecording(PaymentAttemptView? OpenedAttempt, CheckoutDiscarded? Discarded = null, SessionToClose? ToClose = null);

internal sealed class RecordCheckoutOpenedHandler(IInvoiceRepository invoices, IPaymentAttemptRepository attempts, SessionCloser sessions, IClock clock)
    : ICommandHandler<RecordCheckoutOpened, CheckoutRecording>
{
    public async ValueTask<CheckoutRecording> Handle(RecordCheckoutOpened command, CancellationToken cancellationToken)
    {
        // Only the invoice's header and the one installment row the check below needs: nothing here needs the lines, the
        // rest of the schedule or the terms, and reading and rewriting the whole aggregate cost this transaction about a
        // tenth of the attempt path's throughput (ADR 21).
        var (invoice, found, installment) = await attempts.LockHeaderAsync(command.TenantId, command.InvoiceId, command.AttemptId, cancellationToken)
            ?? throw InvoiceSupport.NotFound(command.InvoiceId);
        if (found is null)
        {
            return new CheckoutRecording(null);
        }

        var attempt = found;
        var now = clock.GetCurrentInstant();
        var discarded =
            attempt.Status != PaymentAttemptStatus.Creating ? CheckoutDiscarded.AttemptGivenUp
            : !invoice.CanTakePaymentAt(now) ? CheckoutDiscarded.InvoiceClosed
            : !attempt.StillDueOn(invoice, installment) ? CheckoutDiscarded.InvoiceChanged
            : (CheckoutDiscarded?)null;
        if (discarded is { } reason)
        {
            attempt.DiscardSession(command.Session.GatewayReference, now);
            await attempts.UpdateAsync(attempt, cancellationToken);
            await sessions.MarkAsync([attempt], now + SessionSweepSchedule.AfterCloseRequested, cancellationToken);
            return new CheckoutRecording(null, reason, SessionToClose.Of(attempt) with
            {
                Session = new GatewaySession(attempt.Reference, command.Session.GatewayReference, attempt.Amount.Currency, command.Session.ExpiresAt),
            });
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
