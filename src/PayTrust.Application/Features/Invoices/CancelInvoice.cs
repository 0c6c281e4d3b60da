using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;

namespace PayTrust.Application.Features.Invoices;

/// <summary>
/// POST /invoices/{id}/cancel (spec §4): only while nothing is paid and the invoice is not terminal.
/// Open gateway sessions are expired best-effort once payments exist (a later issue).
/// </summary>
public sealed record CancelInvoice(Guid InvoiceId) : ICommand<InvoiceView>;

internal sealed class CancelInvoiceHandler(IInvoiceRepository invoices, IPlatformSettings platform, ICallerContext caller, IClock clock)
    : ICommandHandler<CancelInvoice, InvoiceView>
{
    public async ValueTask<InvoiceView> Handle(CancelInvoice command, CancellationToken cancellationToken)
    {
        var stored = await invoices.FindForUpdateAsync(caller.RequireTenant(), command.InvoiceId, cancellationToken)
            ?? throw InvoiceSupport.NotFound(command.InvoiceId);
        var now = clock.GetCurrentInstant();
        stored.Invoice.Cancel(now);
        await invoices.UpdateAsync(stored.Invoice, cancellationToken);
        return stored.Invoice.ToView(stored.SupplementaryInvoiceIds, platform.PaymentUrl(stored.Invoice.PaymentToken), now);
    }
}
