using Dapper;
using FluentValidation;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;

namespace PayTrust.Application.Features.Invoices;

/// <summary>
/// GET /invoices: the tenant's invoices, newest first, filtered and paged. Items are the invoice without
/// its line items and schedule (GET /invoices/{id} has those), so a page of 100 stays one cheap query.
/// </summary>
public sealed record ListInvoices(
    int Page,
    int PageSize,
    string? Status,
    string? CurrencyCode,
    string? Gateway,
    string? ExternalId,
    Instant? CreatedFrom,
    Instant? CreatedTo) : IQuery<Page<InvoiceSummaryView>>;

public sealed record InvoiceSummaryView(
    Guid Id,
    string? ExternalId,
    string Status,
    string CurrencyCode,
    long SubtotalAmount,
    long TotalTaxAmount,
    long TotalServiceFeeAmount,
    long TotalAmount,
    long AmountPaid,
    long AmountDue,
    long OverpaymentAmount,
    string PaymentUrl,
    string PaymentReference,
    string Gateway,
    string? Description,
    Instant CreatedAt,
    Instant ExpiresAt,
    Instant? PaymentInitiatedAt,
    Instant? PaidAt,
    Guid? ParentInvoiceId);

internal sealed class ListInvoicesValidator : AbstractValidator<ListInvoices>
{
    public ListInvoicesValidator()
    {
        this.AddPagingRules(q => q.Page, q => q.PageSize);
        RuleFor(q => q.Status).Must(status => status is null || StatusNames.TryParse(status, out _))
            .WithMessage($"status must be one of: {string.Join(", ", Enum.GetValues<InvoiceStatus>().Select(StatusNames.Of))}");
        RuleFor(q => q.CurrencyCode).ValidCurrency().When(q => q.CurrencyCode is not null);
        RuleFor(q => q).Must(q => q.CreatedFrom is null || q.CreatedTo is null || q.CreatedTo > q.CreatedFrom)
            .OverridePropertyName("created_to").WithMessage("created_to must be after created_from");
    }
}

internal sealed class ListInvoicesHandler(IDbSession session, IPlatformSettings platform, ICallerContext caller)
    : IQueryHandler<ListInvoices, Page<InvoiceSummaryView>>
{
    private const string Filter = """
        WHERE tenant_id = @TenantId
          AND (@Status IS NULL OR status = @Status)
          AND (@CurrencyCode IS NULL OR currency_code = @CurrencyCode)
          AND (@Gateway IS NULL OR gateway = @Gateway)
          AND (@ExternalId IS NULL OR external_id = @ExternalId)
          AND (@CreatedFrom IS NULL OR created_at >= @CreatedFrom)
          AND (@CreatedTo IS NULL OR created_at < @CreatedTo)
        """;

    private const string Sql = $"""
        SELECT COUNT(*) FROM invoices {Filter};
        SELECT id AS Id, external_id AS ExternalId, status AS Status, currency_code AS CurrencyCode,
               subtotal_amount AS SubtotalAmount, total_tax_amount AS TotalTaxAmount,
               total_service_fee_amount AS TotalServiceFeeAmount, total_amount AS TotalAmount,
               amount_paid AS AmountPaid, overpayment_amount AS OverpaymentAmount,
               payment_token AS PaymentToken, payment_reference AS PaymentReference, gateway AS Gateway,
               description AS Description, created_at AS CreatedAt, expires_at AS ExpiresAt,
               payment_initiated_at AS PaymentInitiatedAt, paid_at AS PaidAt, parent_invoice_id AS ParentInvoiceId
        FROM invoices {Filter}
        ORDER BY created_at DESC, id DESC
        LIMIT @Limit OFFSET @Offset;
        """;

    public async ValueTask<Page<InvoiceSummaryView>> Handle(ListInvoices query, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        var parameters = new
        {
            TenantId = caller.RequireTenant(),
            query.Status,
            query.CurrencyCode,
            query.Gateway,
            query.ExternalId,
            query.CreatedFrom,
            query.CreatedTo,
            Limit = query.PageSize,
            Offset = Pagination.OffsetOf(query.Page, query.PageSize),
        };
        return await connection.QueryPageAsync<SummaryRow, InvoiceSummaryView>(Sql, parameters, query.Page, query.PageSize, ToView, cancellationToken);
    }

    private InvoiceSummaryView ToView(SummaryRow row) => new(
        row.Id,
        row.ExternalId,
        row.Status,
        row.CurrencyCode,
        row.SubtotalAmount,
        row.TotalTaxAmount,
        row.TotalServiceFeeAmount,
        row.TotalAmount,
        row.AmountPaid,
        Math.Max(0, row.TotalAmount - row.AmountPaid),
        row.OverpaymentAmount,
        platform.PaymentUrl(row.PaymentToken),
        row.PaymentReference,
        row.Gateway,
        row.Description,
        row.CreatedAt.ToInstantUtc(),
        row.ExpiresAt.ToInstantUtc(),
        row.PaymentInitiatedAt?.ToInstantUtc(),
        row.PaidAt?.ToInstantUtc(),
        row.ParentInvoiceId);

    private sealed record SummaryRow(
        Guid Id, string? ExternalId, string Status, string CurrencyCode, long SubtotalAmount, long TotalTaxAmount, long TotalServiceFeeAmount,
        long TotalAmount, long AmountPaid, long OverpaymentAmount, string PaymentToken, string PaymentReference, string Gateway, string? Description,
        DateTime CreatedAt, DateTime ExpiresAt, DateTime? PaymentInitiatedAt, DateTime? PaidAt, Guid? ParentInvoiceId);
}
