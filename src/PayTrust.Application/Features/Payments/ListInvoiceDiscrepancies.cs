using Dapper;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;

namespace PayTrust.Application.Features.Payments;

/// <summary>GET /invoices/{id}/discrepancies (spec §7.8): money that did not match what was expected, oldest first.</summary>
public sealed record ListInvoiceDiscrepancies(Guid InvoiceId) : IQuery<InvoiceRowList<DiscrepancyView>>;

/// <summary>
/// <see cref="Difference"/> = received − expected, signed (negative for an underpayment); null for a currency
/// mismatch, where the two amounts are in different currencies and cannot be subtracted.
/// </summary>
public sealed record DiscrepancyView(
    Guid Id,
    string Kind,
    long ExpectedAmount,
    string ExpectedCurrencyCode,
    long ReceivedAmount,
    string ReceivedCurrencyCode,
    long? Difference,
    Guid? PaymentId,
    Guid? WebhookEventId,
    Instant CreatedAt);

internal sealed class ListInvoiceDiscrepanciesHandler(IDbSession session, ICallerContext caller)
    : IQueryHandler<ListInvoiceDiscrepancies, InvoiceRowList<DiscrepancyView>>
{
    private const string Sql = """
        SELECT id AS Id, kind AS Kind, expected_amount AS ExpectedAmount, expected_currency_code AS ExpectedCurrencyCode,
               received_amount AS ReceivedAmount, received_currency_code AS ReceivedCurrencyCode, difference AS Difference,
               payment_id AS PaymentId, webhook_event_id AS WebhookEventId, created_at AS CreatedAt
        FROM payment_discrepancies WHERE tenant_id = @TenantId AND invoice_id = @InvoiceId
        ORDER BY created_at, id LIMIT @Limit;
        """;

    public async ValueTask<InvoiceRowList<DiscrepancyView>> Handle(ListInvoiceDiscrepancies query, CancellationToken cancellationToken)
    {
        await using var results = await InvoicePaymentQueries.ReadOwnedAsync(session, caller.RequireTenant(), query.InvoiceId, Sql, cancellationToken);
        var rows = await results.ReadAsync<Row>();
        return new InvoiceRowList<DiscrepancyView>(rows.Select(row => new DiscrepancyView(
            row.Id, row.Kind, row.ExpectedAmount, row.ExpectedCurrencyCode, row.ReceivedAmount, row.ReceivedCurrencyCode, row.Difference,
            row.PaymentId, row.WebhookEventId, row.CreatedAt.ToInstantUtc())).ToArray());
    }

    private sealed record Row(
        Guid Id, string Kind, long ExpectedAmount, string ExpectedCurrencyCode, long ReceivedAmount, string ReceivedCurrencyCode, long? Difference,
        Guid? PaymentId, Guid? WebhookEventId, DateTime CreatedAt);
}
