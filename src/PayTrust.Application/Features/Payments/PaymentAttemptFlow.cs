using Mediator;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Payments.Rails;
using PayTrust.Application.Features.Sessions;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Payments;

/// <summary>
/// Taking a payment attempt (spec §7.2), shared by POST /invoices/{id}/payment-attempts and the /pay link:
/// reserve it in one transaction under the invoice lock, call the gateway with no transaction open, then
/// record the answer in a second transaction. A gateway failure is recorded on the attempt and surfaces as
/// 502 gateway_error; it is never retried automatically. A session the recording does not hand out (the invoice
/// closed or changed meanwhile) is closed again at the gateway, and the caller is told why.
/// </summary>
public sealed class PaymentAttemptFlow(ISender sender, PaymentRails rails, SessionCloser sessions)
{
    /// <summary>The code of the 409 for a session discarded because the invoice no longer asks for its amount.</summary>
    public const string InvoiceChanged = "invoice_changed";

    public async Task<PaymentAttemptResult> TakeAsync(Guid tenantId, Guid invoiceId, int? installmentNumber, CancellationToken cancellationToken)
    {
        var reservation = await sender.Send(new ReservePaymentAttempt(tenantId, invoiceId, installmentNumber), cancellationToken);
        if (reservation.Checkout is not { } checkout)
        {
            return new PaymentAttemptResult(reservation.Attempt, Created: false);
        }

        var attempt = reservation.Attempt;
        try
        {
            // Once the gateway may have been asked, the answer must be recorded whatever happens to this request, so the call
            // is not tied to it: a caller hanging up must not abandon a session the gateway is opening (it would stay
            // `creating`, blocking the invoice, and its session would never be closed). The client's own timeout bounds it.
            var result = await rails.OpenCheckoutAsync(attempt.Gateway, checkout, reservation.Credentials, CancellationToken.None);
            if (result.IsFailed)
            {
                await sender.Send(new RecordCheckoutFailed(tenantId, invoiceId, attempt.Id, result.Failure!), CancellationToken.None);
                throw new GatewayFailureException(attempt.Gateway, result.Failure!);
            }

            var recorded = await sender.Send(new RecordCheckoutOpened(tenantId, invoiceId, attempt.Id, result.Value!), CancellationToken.None);
            if (recorded.OpenedAttempt is { } opened)
            {
                return new PaymentAttemptResult(opened, Created: true);
            }

            // Not to be paid after all: the session is closed again at once (the sweep retries a close that fails).
            var discarded = recorded.ToClose ?? new SessionToClose(
                tenantId, attempt.Id, attempt.Gateway, new GatewaySession(checkout.Reference, result.Value!.GatewayReference, checkout.Amount.Currency, result.Value.ExpiresAt));
            await sessions.CloseAsync([discarded], CancellationToken.None);
            throw recorded.Discarded switch
            {
                CheckoutDiscarded.InvoiceChanged => new PayTrustException(ErrorKind.Conflict, InvoiceChanged,
                    "The invoice changed while the payment was being created; take a new payment attempt for what is due now"),
                CheckoutDiscarded.AttemptGivenUp => new PayTrustException(ErrorKind.Conflict, "payment_in_progress",
                    "This attempt was given up while the gateway was opening it; another one took its place"),
                _ => new PayTrustException(ErrorKind.Conflict, "invoice_not_payable", "Invoice closed while the payment was being created"),
            };
        }
        finally
        {
            // The sessions the new one replaces, expired with the reservation, are closed whatever became of the new one. Best
            // effort: one that could not be closed is left to the session sweep; a payment made on it is still applied (§7.4).
            await sessions.CloseAsync(reservation.Superseded, CancellationToken.None);
        }
    }
}
