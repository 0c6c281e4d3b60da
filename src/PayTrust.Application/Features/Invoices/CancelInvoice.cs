using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Behaviors;
using PayTrust.Application.Features.Credentials;
using PayTrust.Application.Features.Payments.Rails;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Invoices;

/// <summary>
/// POST /invoices/{id}/cancel (spec §4): only while nothing is paid and the invoice is not terminal. Its
/// open payment attempts expire with it, and once the cancellation has committed their gateway sessions
/// are expired too (spec §7.3), best effort: a payment that still arrives is applied and reported.
/// </summary>
public sealed record CancelInvoice(Guid InvoiceId) : ICommand<InvoiceView>;

internal sealed class CancelInvoiceHandler(
    IInvoiceRepository invoices, IPaymentAttemptRepository attempts, GatewayCredentialStore credentialStore, PaymentRails rails,
    AfterCommit afterCommit, IPlatformSettings platform, ICallerContext caller, IClock clock)
    : ICommandHandler<CancelInvoice, InvoiceView>
{
    public async ValueTask<InvoiceView> Handle(CancelInvoice command, CancellationToken cancellationToken)
    {
        var tenantId = caller.RequireTenant();
        var locked = await attempts.LockWholeInvoiceAsync(tenantId, command.InvoiceId, cancellationToken)
            ?? throw InvoiceSupport.NotFound(command.InvoiceId);
        var invoice = locked.Invoice;
        var now = clock.GetCurrentInstant();
        invoice.Cancel(now);
        await invoices.UpdateAsync(invoice, cancellationToken);
        await ExpireOpenSessionsAsync(tenantId, invoice, locked.Active, now, cancellationToken);
        // The answer shows the supplementary invoices; the lock batch, shared with the payment paths, leaves them out.
        var supplementaryIds = await invoices.FindSupplementaryIdsAsync(tenantId, invoice.Id, cancellationToken);
        return invoice.ToView(supplementaryIds, platform.PaymentUrl(invoice.PaymentToken), now);
    }

    private async Task ExpireOpenSessionsAsync(Guid tenantId, Invoice invoice, IReadOnlyList<PaymentAttempt> active, Instant now, CancellationToken cancellationToken)
    {
        var open = active.Where(attempt => attempt.Status == PaymentAttemptStatus.Pending).ToArray();
        if (open.Length == 0)
        {
            return;
        }

        // An invoice's attempts all go through its gateway, so one set of credentials serves them all.
        var credentials = await credentialStore.RequireForAsync(tenantId, invoice.Gateway, cancellationToken);
        foreach (var attempt in open)
        {
            attempt.Expire(now);
            await attempts.UpdateAsync(attempt, cancellationToken);
            var session = new GatewaySession(attempt.Reference, attempt.GatewayReference, attempt.Amount.Currency);
            afterCommit.Add(() => rails.CloseCheckoutAsync(attempt.Gateway, session, credentials, CancellationToken.None));
        }
    }
}
