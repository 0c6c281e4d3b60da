using Dapper;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;

namespace PayTrust.Application.Features.Invoices;

/// <summary>
/// GET /invoices/{id}/payment-initiation (spec §4): the invoice as an ISO 20022 pain.001.001.03 credit
/// transfer initiation, built on demand. One transfer per installment (or one for the whole invoice);
/// a cancelled invoice is not exportable.
/// </summary>
public sealed record GetPaymentInitiation(Guid InvoiceId) : IQuery<string>;

internal sealed class GetPaymentInitiationHandler(IInvoiceRepository invoices, IDbSession session, ICallerContext caller, IClock clock)
    : IQueryHandler<GetPaymentInitiation, string>
{
    private const string TenantNameSql = "SELECT name FROM tenants WHERE id = @TenantId";

    public async ValueTask<string> Handle(GetPaymentInitiation query, CancellationToken cancellationToken)
    {
        var tenantId = caller.RequireTenant();
        var invoice = (await invoices.FindAsync(tenantId, query.InvoiceId, cancellationToken) ?? throw InvoiceSupport.NotFound(query.InvoiceId)).Invoice;
        if (invoice.Status == InvoiceStatus.Cancelled)
        {
            throw new PayTrustException(ErrorKind.BusinessRule, "not_exportable", "A cancelled invoice cannot be exported as a payment initiation");
        }

        var connection = await session.GetConnectionAsync(cancellationToken);
        var tenantName = await connection.QuerySingleAsync<string>(new CommandDefinition(TenantNameSql, new { TenantId = tenantId }, cancellationToken: cancellationToken));
        var now = clock.GetCurrentInstant();
        IReadOnlyList<PaymentInitiationTransfer> transfers = invoice.Schedule is { } schedule
            ? schedule.Installments.Select(i => new PaymentInitiationTransfer(i.Number, schedule.Count, i.Amount.Minor, i.DueDate.InUtc().Date)).ToArray()
            : [new PaymentInitiationTransfer(null, 1, invoice.Totals.Total.Minor, now.InUtc().Date)];

        return PaymentInitiationDocument.Build(new PaymentInitiationInput(
            invoice.Id, invoice.PaymentReference, invoice.ExternalId, invoice.Currency.Code, invoice.Currency.Exponent,
            tenantName, invoice.Customer?.Name, now, transfers));
    }
}
