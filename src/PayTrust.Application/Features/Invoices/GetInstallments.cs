using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Errors;

namespace PayTrust.Application.Features.Invoices;

/// <summary>GET /invoices/{id}/installments: the schedule with each installment's status (overdue = unpaid past due).</summary>
public sealed record GetInstallments(Guid InvoiceId) : IQuery<InstallmentListView>;

internal sealed class GetInstallmentsHandler(IInvoiceRepository invoices, IPlatformSettings platform, ICallerContext caller, IClock clock)
    : IQueryHandler<GetInstallments, InstallmentListView>
{
    public async ValueTask<InstallmentListView> Handle(GetInstallments query, CancellationToken cancellationToken)
    {
        var invoice = (await invoices.FindAsync(caller.RequireTenant(), query.InvoiceId, cancellationToken)
            ?? throw InvoiceSupport.NotFound(query.InvoiceId)).Invoice;
        if (invoice.Schedule is null)
        {
            throw new PayTrustException(ErrorKind.BusinessRule, "no_installment_schedule", "This invoice is paid in one payment; it has no installments");
        }

        return new InstallmentListView(invoice.Id, invoice.Currency.Code, invoice.ToInstallmentViews(platform.PaymentUrl(invoice.PaymentToken), clock.GetCurrentInstant()));
    }
}
