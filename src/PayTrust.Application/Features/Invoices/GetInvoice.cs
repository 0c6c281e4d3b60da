using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;

namespace PayTrust.Application.Features.Invoices;

/// <summary>GET /invoices/{id}: the full resource; another tenant's invoice is 404.</summary>
public sealed record GetInvoice(Guid InvoiceId) : IQuery<InvoiceView>;

internal sealed class GetInvoiceHandler(IInvoiceRepository invoices, IPlatformSettings platform, ICallerContext caller, IClock clock)
    : IQueryHandler<GetInvoice, InvoiceView>
{
    public async ValueTask<InvoiceView> Handle(GetInvoice query, CancellationToken cancellationToken)
    {
        var stored = await invoices.FindAsync(caller.RequireTenant(), query.InvoiceId, cancellationToken)
            ?? throw InvoiceSupport.NotFound(query.InvoiceId);
        return stored.Invoice.ToView(stored.SupplementaryInvoiceIds, platform.PaymentUrl(stored.Invoice.PaymentToken), clock.GetCurrentInstant());
    }
}
