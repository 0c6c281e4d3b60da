using Dapper;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;

namespace PayTrust.Application.Features.Payments;

/// <summary>
/// GET /invoices/{id}/refunds (spec §7.4 step 6, §7.8): money that left the invoice's payments — refunds, chargebacks,
/// reversals — as the gateways reported it, oldest first. An entry still waiting for its payment shows with no payment_id.
/// </summary>
public sealed record ListInvoiceRefunds(Guid InvoiceId) : IQuery<InvoiceRowList<RefundView>>;

/// <summary><see cref="RefundId"/> is PayTrust's id; <see cref="GatewayRefundId"/> the gateway's, as its dashboard shows it.</summary>
public sealed record RefundView(
    Guid RefundId,
    string Kind,
    Guid? PaymentId,
    long Amount,
    string CurrencyCode,
    string? Reason,
    Instant RefundedAt,
    string Gateway,
    string GatewayRefundId);

internal sealed class ListInvoiceRefundsHandler(IDbSession session, ICallerContext caller) : IQueryHandler<ListInvoiceRefunds, InvoiceRowList<RefundView>>
{
    private const string Sql = """
        SELECT id AS RefundId, kind AS Kind, payment_id AS PaymentId, amount AS Amount, currency_code AS CurrencyCode, reason AS Reason,
               refunded_at AS RefundedAt, gateway AS Gateway, gateway_refund_id AS GatewayRefundId
        FROM refunds WHERE tenant_id = @TenantId AND invoice_id = @InvoiceId
        ORDER BY refunded_at, id LIMIT @Limit;
        """;

    public async ValueTask<InvoiceRowList<RefundView>> Handle(ListInvoiceRefunds query, CancellationToken cancellationToken)
    {
        await using var results = await InvoicePaymentQueries.ReadOwnedAsync(session, caller.RequireTenant(), query.InvoiceId, Sql, cancellationToken);
        var rows = await results.ReadAsync<Row>();
        return new InvoiceRowList<RefundView>(rows.Select(row => new RefundView(
            row.RefundId, row.Kind, row.PaymentId, row.Amount, row.CurrencyCode, row.Reason, row.RefundedAt.ToInstantUtc(), row.Gateway, row.GatewayRefundId)).ToArray());
    }

    private sealed record Row(
        Guid RefundId, string Kind, Guid? PaymentId, long Amount, string CurrencyCode, string? Reason, DateTime RefundedAt, string Gateway, string GatewayRefundId);
}
