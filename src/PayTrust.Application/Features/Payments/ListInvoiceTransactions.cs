using Dapper;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;

namespace PayTrust.Application.Features.Payments;

/// <summary>
/// GET /invoices/{id}/transactions (spec §7.8): the invoice's payment attempts and the payments it received, in one
/// list, oldest first (an attempt by when it was created, a payment by when PayTrust recorded it).
/// </summary>
public sealed record ListInvoiceTransactions(Guid InvoiceId) : IQuery<InvoiceRowList<InvoiceTransactionView>>;

/// <summary>
/// One entry of the list, an attempt or a payment; a field that does not apply to the entry's type is null.
/// <see cref="Status"/> is the attempt's status, or for a payment <c>succeeded</c> (applied to the invoice) or
/// <c>not_applied</c> (arrived after the invoice was cancelled or expired, or in another currency: stranded money,
/// which POST /payments/{id}/apply moves to the invoice it pays). <see cref="CreatedAt"/> is when
/// PayTrust created the attempt or recorded the payment; <see cref="PaidAt"/> when the money was paid.
/// </summary>
public sealed record InvoiceTransactionView(
    string Type,
    Guid Id,
    Guid? AttemptId,
    int? InstallmentNumber,
    string Rail,
    string? Gateway,
    string? Reference,
    string? GatewayReference,
    string? GatewayTransactionId,
    long Amount,
    string CurrencyCode,
    string Status,
    string? FailureCode,
    string? Source,
    string? Note,
    Instant CreatedAt,
    Instant? UpdatedAt,
    Instant? PaidAt)
{
    public const string AttemptType = "attempt";
    public const string PaymentType = "payment";
}

internal sealed class ListInvoiceTransactionsHandler(IDbSession session, ICallerContext caller)
    : IQueryHandler<ListInvoiceTransactions, InvoiceRowList<InvoiceTransactionView>>
{
    // Two reads rather than a UNION: each keeps its own column types, and the merge below is of at most 2 × MaxRows rows.
    private const string Sql = """
        SELECT id AS Id, installment_number AS InstallmentNumber, rail AS Rail, gateway AS Gateway, reference AS Reference,
               gateway_reference AS GatewayReference, amount AS Amount, currency_code AS CurrencyCode, status AS Status,
               failure_code AS FailureCode, created_at AS CreatedAt, updated_at AS UpdatedAt
        FROM payment_attempts WHERE tenant_id = @TenantId AND invoice_id = @InvoiceId
        ORDER BY attempt_number LIMIT @Limit;
        SELECT id AS Id, attempt_id AS AttemptId, rail AS Rail, gateway AS Gateway, reference AS Reference,
               gateway_transaction_id AS GatewayTransactionId, amount AS Amount, currency_code AS CurrencyCode, applied AS Applied,
               source AS Source, note AS Note, paid_at AS PaidAt, recorded_at AS RecordedAt
        FROM payments WHERE tenant_id = @TenantId AND invoice_id = @InvoiceId
        ORDER BY recorded_at, id LIMIT @Limit;
        """;

    public async ValueTask<InvoiceRowList<InvoiceTransactionView>> Handle(ListInvoiceTransactions query, CancellationToken cancellationToken)
    {
        await using var results = await InvoicePaymentQueries.ReadOwnedAsync(session, caller.RequireTenant(), query.InvoiceId, Sql, cancellationToken);
        var attempts = (await results.ReadAsync<AttemptRow>()).Select(row => new InvoiceTransactionView(
            InvoiceTransactionView.AttemptType, row.Id, null, row.InstallmentNumber, row.Rail, row.Gateway, row.Reference, row.GatewayReference,
            null, row.Amount, row.CurrencyCode, row.Status, row.FailureCode, null, null, row.CreatedAt.ToInstantUtc(), row.UpdatedAt.ToInstantUtc(), null));
        var payments = (await results.ReadAsync<PaymentRow>()).Select(row => new InvoiceTransactionView(
            InvoiceTransactionView.PaymentType, row.Id, row.AttemptId, null, row.Rail, row.Gateway, row.Reference, null, row.GatewayTransactionId,
            row.Amount, row.CurrencyCode, row.Applied ? "succeeded" : "not_applied", null, row.Source, row.Note, row.RecordedAt.ToInstantUtc(), null,
            row.PaidAt.ToInstantUtc()));
        // An attempt and the payment that settled it can share a microsecond only in theory; attempts first then, as they come first.
        var merged = attempts.Concat(payments)
            .OrderBy(entry => entry.CreatedAt)
            .ThenBy(entry => entry.Type == InvoiceTransactionView.AttemptType ? 0 : 1)
            .Take(InvoicePaymentQueries.MaxRows)
            .ToArray();
        return new InvoiceRowList<InvoiceTransactionView>(merged);
    }

    private sealed record AttemptRow(
        Guid Id, short? InstallmentNumber, string Rail, string Gateway, string Reference, string? GatewayReference, long Amount, string CurrencyCode,
        string Status, string? FailureCode, DateTime CreatedAt, DateTime UpdatedAt);

    private sealed record PaymentRow(
        Guid Id, Guid? AttemptId, string Rail, string? Gateway, string? Reference, string? GatewayTransactionId, long Amount, string CurrencyCode,
        bool Applied, string Source, string? Note, DateTime PaidAt, DateTime RecordedAt);
}
