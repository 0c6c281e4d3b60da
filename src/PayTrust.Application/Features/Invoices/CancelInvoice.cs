using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Sessions;

namespace PayTrust.Application.Features.Invoices;

/// <summary>
/// POST /invoices/{id}/cancel (spec §4): only while nothing is paid and the invoice is not terminal. Its open payment
/// attempts expire with it, and once the cancellation has committed their gateway sessions are closed too, best effort
/// (spec §7.4 step 9, <see cref="SessionCloser"/>): a session the gateway would not close is left to the session sweep,
/// and a payment that still arrives is applied and reported.
/// </summary>
public sealed record CancelInvoice(Guid InvoiceId) : ICommand<InvoiceView>;

internal sealed class CancelInvoiceHandler(
    IInvoiceRepository invoices, IPaymentAttemptRepository attempts, SessionCloser sessions, IPlatformSettings platform, ICallerContext caller, IClock clock)
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
        // A cancelled invoice asks for nothing, so every open session is closed.
        await sessions.ExpireMismatchedAsync(invoice, locked.All, now, cancellationToken);
        // The answer shows the supplementary invoices; the lock batch, shared with the payment paths, leaves them out.
        var supplementaryIds = await invoices.FindSupplementaryIdsAsync(tenantId, invoice.Id, cancellationToken);
        return invoice.ToView(supplementaryIds, platform.PaymentUrl(invoice.PaymentToken), now);
    }
}
