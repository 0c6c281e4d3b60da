using Mediator;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Errors;
using PayTrust.Application.Features.Payments.Rails;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Payments;

/// <summary>
/// Taking a payment attempt (spec §7.2), shared by POST /invoices/{id}/payment-attempts and the /pay link:
/// reserve it in one transaction under the invoice lock, call the gateway with no transaction open, then
/// record the answer in a second transaction. A gateway failure is recorded on the attempt and surfaces as
/// 502 gateway_error; it is never retried automatically.
/// </summary>
public sealed class PaymentAttemptFlow(ISender sender, PaymentRails rails)
{
    public async Task<PaymentAttemptResult> TakeAsync(Guid tenantId, Guid invoiceId, int? installmentNumber, CancellationToken cancellationToken)
    {
        var reservation = await sender.Send(new ReservePaymentAttempt(tenantId, invoiceId, installmentNumber), cancellationToken);
        if (reservation.Checkout is not { } checkout)
        {
            return new PaymentAttemptResult(reservation.Attempt, Created: false);
        }

        var attempt = reservation.Attempt;
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
        if (recorded.OpenedAttempt is not { } opened)
        {
            // The invoice closed (cancelled, paid, expired) while the gateway was opening the session: close it again.
            var session = new GatewaySession(checkout.Reference, result.Value!.GatewayReference, checkout.Amount.Currency);
            await rails.CloseCheckoutAsync(attempt.Gateway, session, reservation.Credentials, CancellationToken.None);
            throw new PayTrustException(ErrorKind.Conflict, "invoice_not_payable", "Invoice closed while the payment was being created");
        }

        // Best effort: a session we could not close is logged by the rails; a payment made on it is still applied (§7.4).
        foreach (var old in reservation.Superseded)
        {
            await rails.CloseCheckoutAsync(attempt.Gateway, old, reservation.Credentials, CancellationToken.None);
        }

        return new PaymentAttemptResult(opened, Created: true);
    }

}
