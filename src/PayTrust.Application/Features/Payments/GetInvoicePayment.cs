using Dapper;
using Mediator;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;
using PayTrust.Domain.Errors;

namespace PayTrust.Application.Features.Payments;

/// <summary>
/// GET /invoices/{id}/payments/{paymentId}: one payment (recorded by the merchant or applied from a gateway) with
/// its invoice's amounts as they are now — what the Location of POST /invoices/{id}/payments points to.
/// </summary>
public sealed record GetInvoicePayment(Guid InvoiceId, Guid PaymentId) : IQuery<PaymentView>;

internal sealed class GetInvoicePaymentHandler(IDbSession session, ICallerContext caller) : IQueryHandler<GetInvoicePayment, PaymentView>
{
    // Both rows through the tenant: another tenant's invoice or payment reads as absent.
    private const string Sql = """
        SELECT p.id AS Id, p.invoice_id AS InvoiceId, p.amount AS Amount, p.currency_code AS CurrencyCode, p.rail AS Rail,
               p.gateway AS Gateway, p.gateway_transaction_id AS GatewayTransactionId, p.reference AS Reference, p.source AS Source,
               p.applied AS Applied, p.note AS Note, p.paid_at AS PaidAt, p.recorded_at AS RecordedAt,
               i.status AS InvoiceStatus, i.total_amount AS TotalAmount, i.amount_paid AS AmountPaid, i.overpayment_amount AS OverpaymentAmount
        FROM payments p JOIN invoices i ON i.tenant_id = p.tenant_id AND i.id = p.invoice_id
        WHERE p.tenant_id = @TenantId AND p.invoice_id = @InvoiceId AND p.id = @PaymentId
        """;

    public async ValueTask<PaymentView> Handle(GetInvoicePayment query, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
                Sql, new { TenantId = caller.RequireTenant(), query.InvoiceId, query.PaymentId }, cancellationToken: cancellationToken))
            ?? throw new PayTrustException(ErrorKind.NotFound, "payment_not_found", $"Payment {query.PaymentId} not found for invoice {query.InvoiceId}");
        return new PaymentView(
            row.Id, row.InvoiceId, row.Amount, row.CurrencyCode, row.Rail, row.Gateway, row.GatewayTransactionId, row.Reference, row.Source,
            row.Applied, row.Note, row.PaidAt.ToInstantUtc(), row.RecordedAt.ToInstantUtc(),
            new PaymentInvoiceView(row.InvoiceStatus, row.AmountPaid, Math.Max(0, row.TotalAmount - row.AmountPaid), row.OverpaymentAmount));
    }

    private sealed record Row(
        Guid Id, Guid InvoiceId, long Amount, string CurrencyCode, string Rail, string? Gateway, string? GatewayTransactionId, string? Reference,
        string Source, bool Applied, string? Note, DateTime PaidAt, DateTime RecordedAt, string InvoiceStatus, long TotalAmount, long AmountPaid,
        long OverpaymentAmount);
}
