using Dapper;
using FluentValidation;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;

namespace PayTrust.Application.Features.Payments;

/// <summary>
/// GET /payments?applied=&amp;page=&amp;page_size= (spec §7.4 step 8): the tenant's payments across its invoices, newest
/// first (by recorded_at: when the money was recorded, or, once applied, when it was applied). <c>applied=false</c> is the
/// stranded money finance can apply with POST /payments/{id}/apply.
/// </summary>
public sealed record ListPayments(bool? Applied, int Page, int PageSize) : IQuery<Page<PaymentListItem>>;

/// <summary>
/// One payment. <see cref="UnappliedReason"/> says why money is not applied: <c>currency_mismatch</c> (another currency
/// than its invoice's) or <c>closed_invoice</c> (it arrived for a cancelled or expired invoice); null once applied.
/// <see cref="OriginalInvoiceId"/> and <see cref="OriginalRecordedAt"/> are set on money applied to another invoice than
/// the one it arrived for: where and when it was first recorded.
/// </summary>
public sealed record PaymentListItem(
    Guid Id,
    Guid InvoiceId,
    Guid? AttemptId,
    long Amount,
    string CurrencyCode,
    string Rail,
    string? Gateway,
    string? GatewayTransactionId,
    string? Reference,
    string Source,
    bool Applied,
    string? UnappliedReason,
    string? Note,
    Instant PaidAt,
    Instant RecordedAt,
    Guid? OriginalInvoiceId,
    Instant? OriginalRecordedAt);

internal sealed class ListPaymentsValidator : AbstractValidator<ListPayments>
{
    public ListPaymentsValidator() => this.AddPagingRules(q => q.Page, q => q.PageSize);
}

internal sealed class ListPaymentsHandler(IDbSession session, ICallerContext caller) : IQueryHandler<ListPayments, Page<PaymentListItem>>
{
    // With applied given, ix_payments_report_collected (tenant_id, applied, recorded_at, …) serves both the filter and the
    // order; the invoice is joined through its (tenant_id, id) key for a page's rows only.
    private const string Filter = "WHERE p.tenant_id = @TenantId AND (@Applied IS NULL OR p.applied = @Applied)";

    private const string Sql = $"""
        SELECT COUNT(*) FROM payments p {Filter};
        SELECT p.id AS Id, p.invoice_id AS InvoiceId, p.attempt_id AS AttemptId, p.amount AS Amount, p.currency_code AS CurrencyCode,
               p.rail AS Rail, p.gateway AS Gateway, p.gateway_transaction_id AS GatewayTransactionId, p.reference AS Reference,
               p.source AS Source, p.applied AS Applied,
               CASE WHEN p.applied THEN NULL
                    WHEN p.currency_code <> i.currency_code THEN 'currency_mismatch'
                    WHEN i.status IN ('cancelled', 'expired') THEN 'closed_invoice' END AS UnappliedReason,
               p.note AS Note, p.paid_at AS PaidAt, p.recorded_at AS RecordedAt,
               p.original_invoice_id AS OriginalInvoiceId, p.original_recorded_at AS OriginalRecordedAt
        FROM payments p JOIN invoices i ON i.tenant_id = p.tenant_id AND i.id = p.invoice_id
        {Filter}
        ORDER BY p.recorded_at DESC, p.id DESC
        LIMIT @Limit OFFSET @Offset;
        """;

    public async ValueTask<Page<PaymentListItem>> Handle(ListPayments query, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        var parameters = new
        {
            TenantId = caller.RequireTenant(),
            query.Applied,
            Limit = query.PageSize,
            Offset = Pagination.OffsetOf(query.Page, query.PageSize),
        };
        return await connection.QueryPageAsync<Row, PaymentListItem>(Sql, parameters, query.Page, query.PageSize, ToView, cancellationToken);
    }

    private static PaymentListItem ToView(Row row) => new(
        row.Id, row.InvoiceId, row.AttemptId, row.Amount, row.CurrencyCode, row.Rail, row.Gateway, row.GatewayTransactionId, row.Reference,
        row.Source, row.Applied, row.UnappliedReason, row.Note, row.PaidAt.ToInstantUtc(), row.RecordedAt.ToInstantUtc(), row.OriginalInvoiceId,
        row.OriginalRecordedAt?.ToInstantUtc());

    private sealed record Row(
        Guid Id, Guid InvoiceId, Guid? AttemptId, long Amount, string CurrencyCode, string Rail, string? Gateway, string? GatewayTransactionId,
        string? Reference, string Source, bool Applied, string? UnappliedReason, string? Note, DateTime PaidAt, DateTime RecordedAt,
        Guid? OriginalInvoiceId, DateTime? OriginalRecordedAt);
}
