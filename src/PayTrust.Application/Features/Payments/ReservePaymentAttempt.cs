using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Behaviors;
using PayTrust.Application.Features.Credentials;
using PayTrust.Application.Features.Invoices;
using PayTrust.Application.Features.Payments.Rails;
using PayTrust.Application.Features.Sessions;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Payments;

/// <summary>
/// Step 1 of taking an attempt (spec §7.2), in one transaction under the invoice row lock: check the
/// invoice is payable and the installment is the next unpaid one, refuse while another attempt is being
/// created (409 payment_in_progress), hand back an open attempt for the same payment, or insert a new one
/// as <c>creating</c> with everything the gateway call needs. Nothing else changes until the gateway answers.
/// </summary>
public sealed record ReservePaymentAttempt(Guid TenantId, Guid InvoiceId, int? InstallmentNumber) : ICommand<AttemptReservation>, IInnerCommand;

/// <summary>
/// The attempt, and for a new one the checkout to ask the gateway for, the tenant's credentials for it, and
/// the earlier sessions it supersedes (already expired here, still to be closed at the gateway).
/// </summary>
public sealed record AttemptReservation(PaymentAttemptView Attempt, CheckoutRequest? Checkout, GatewayCredentials? Credentials, IReadOnlyList<SessionToClose> Superseded);

internal sealed class ReservePaymentAttemptHandler(
    IPaymentAttemptRepository attempts, GatewayCredentialStore credentialStore, SessionCloser sessions,
    PaymentRails rails, IPlatformSettings platform, IClock clock)
    : ICommandHandler<ReservePaymentAttempt, AttemptReservation>
{
    public async ValueTask<AttemptReservation> Handle(ReservePaymentAttempt command, CancellationToken cancellationToken)
    {
        var locked = await attempts.LockInvoiceAsync(command.TenantId, command.InvoiceId, cancellationToken)
            ?? throw InvoiceSupport.NotFound(command.InvoiceId);
        var invoice = locked.Invoice;
        var now = clock.GetCurrentInstant();
        var due = invoice.NextPaymentDue(command.InstallmentNumber, now);
        if (!platform.Offers(invoice.Gateway))
        {
            // Payable, but routed to the sandbox before it was switched off: no new checkout, and no open one handed back
            // (its page is gone). A closed invoice is still told so first, as on any gateway.
            throw new PayTrustException(ErrorKind.BusinessRule, FailureCode.MethodNotSupported.Code, "The sandbox gateway is switched off on this platform");
        }

        if (locked.Active.Any(attempt => attempt.IsInProgressAt(now)))
        {
            throw new PayTrustException(ErrorKind.Conflict, "payment_in_progress", "payment already in progress");
        }

        if (locked.Active.FirstOrDefault(attempt => attempt.CanBeReusedFor(due, now)) is { } open)
        {
            return new AttemptReservation(PaymentAttemptView.Of(open), null, null, []);
        }

        // Its process died between the two transactions, perhaps after the gateway opened its session: the session sweep
        // looks that up by the attempt's reference and closes it (ADR 31).
        var abandoned = locked.Active.Where(active => active.Status == PaymentAttemptStatus.Creating).ToArray();
        foreach (var given in abandoned)
        {
            given.Abandon(now);
            await attempts.UpdateAsync(given, cancellationToken);
        }

        await sessions.MarkAsync(abandoned, now, cancellationToken);

        // An open session for another amount (money arrived since, or it is about to end) must not stay payable
        // beside the new one: it is expired here and closed at the gateway once the new one is open.
        var superseded = await sessions.ExpireAsync(
            locked.Active.Where(active => active.Status == PaymentAttemptStatus.Pending).ToArray(), now, cancellationToken);

        var credentials = await credentialStore.RequireForAsync(command.TenantId, invoice.Gateway, cancellationToken);
        var rail = rails.ForGateway(invoice.Gateway);
        var sessionEnds = Instant.Min(invoice.ExpiresAt, now + platform.CheckoutSessionLifetime);
        var attempt = PaymentAttempt.Start(
            command.TenantId, invoice.Id, invoice.PaymentReference, locked.LastAttemptNumber + 1, due.InstallmentNumber,
            due.Amount, rail.Code, invoice.Gateway, now, sessionEnds);
        await attempts.InsertAsync(attempt, cancellationToken);
        return new AttemptReservation(PaymentAttemptView.Of(attempt), CheckoutFor(invoice, attempt, now), credentials, superseded);
    }

    // One item for the amount this attempt collects, so the items always sum to it (Midtrans refuses anything else).
    private CheckoutRequest CheckoutFor(Invoice invoice, PaymentAttempt attempt, Instant now)
    {
        var title = invoice.Description is { Length: > 0 } description ? description : $"Invoice {invoice.PaymentReference}";
        var itemName = attempt.InstallmentNumber is { } number ? $"Installment {number} of {invoice.Schedule!.Count}: {title}" : title;
        var customer = invoice.Customer is { } c ? new CheckoutCustomer(c.Name, c.Email, c.Phone) : null;
        var returnUrl = platform.PaymentUrl(invoice.PaymentToken);
        return new CheckoutRequest(
            attempt.Reference, attempt.Amount, title, [new CheckoutItem(itemName, 1, attempt.Amount)], customer, now, attempt.ExpiresAt,
            SuccessRedirectUrl: returnUrl, FailureRedirectUrl: returnUrl);
    }
}
