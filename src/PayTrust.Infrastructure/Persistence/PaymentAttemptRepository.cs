using System.Data.Common;
using Dapper;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>Payment attempts in <c>payment_attempts</c>, always read through the tenant where a caller names one.</summary>
internal sealed class PaymentAttemptRepository(DbSession session) : IPaymentAttemptRepository
{
    // Of payment_attempts a.
    private const string Columns = """
        a.id, a.tenant_id, a.invoice_id, a.installment_number, a.attempt_number, a.reference, a.rail, a.gateway, a.currency_code,
        a.amount, a.status, a.gateway_reference, a.checkout_url, a.failure_code, a.created_at, a.updated_at, a.expires_at
        """;

    // The invoice lock and everything read under it in one round trip. All of the invoice's attempts are read
    // (an invoice has a handful), which gives the last attempt number without another statement. They are a plain read, not FOR
    // UPDATE: the invoice lock taken by the first statement keeps them current (every writer of an invoice's
    // attempts takes it first, and the plain read's snapshot begins after it). A locking read here took InnoDB
    // gap locks on the (tenant_id, invoice_id) index, and the next insert into that gap — any other invoice's
    // first attempt, since ids are time-ordered — deadlocked with it: 161 errors in 2,500 requests
    // (docs/benchmarks.md).
    internal const string AttemptsSql = $"""
        SELECT {Columns} FROM payment_attempts a
        WHERE a.tenant_id = @TenantId AND a.invoice_id = @Id
        ORDER BY a.attempt_number;
        """;

    private const string LockWithAttemptsSql = InvoiceRepository.LockForPaymentSql + AttemptsSql;

    private const string LockWholeWithAttemptsSql = InvoiceRepository.LockAggregateSql + AttemptsSql;

    // Recording an opened checkout (ADR 21): the invoice's header under the lock with the one attempt being recorded
    // joined to it — one statement rather than a second SELECT, about a third less of the server's work for the pair
    // (ADR 21). The join locks the attempt's row too, for this short transaction, which
    // usually updates it; every other writer of an attempt locks the invoice first, so none holds the attempt's row
    // while it waits for the invoice (ADR 25). An id that is not there takes a gap lock instead; the one caller
    // passes the attempt it reserved.
    // The attempt's installment (installment 1 for an attempt on the whole invoice) is joined by its primary key, so the
    // check that the attempt still asks for what is due (ADR 31) costs one row, not the schedule.
    internal const string LockHeaderWithAttemptSql = $"""
        SELECT {InvoiceRepository.HeaderColumns}, {Columns}, s.number, s.amount, s.amount_paid
        FROM invoices i FORCE INDEX (ux_invoices_tenant_id)
        LEFT JOIN payment_attempts a ON a.id = @AttemptId AND a.tenant_id = i.tenant_id AND a.invoice_id = i.id
        LEFT JOIN invoice_installments s ON s.invoice_id = i.id AND s.number = COALESCE(a.installment_number, 1)
        WHERE i.tenant_id = @TenantId AND i.id = @Id FOR UPDATE;
        """;

    // The tenant's own payment of that transaction: another tenant's gateway account may use the same id (ADR 13).
    private const string TransactionPaymentSql =
        $"SELECT {PaymentRepository.Columns} FROM payments WHERE tenant_id = @TenantId AND gateway = @Gateway AND gateway_transaction_id = @TransactionId;";

    // Money out of the same transaction that arrived before its payment (ADR 32): read in the lock's round trip, so the
    // payment path pays no extra round trip for the rare waiting entry.
    private const string WaitingMoneyOutSql =
        $"SELECT {PaymentRepository.RefundColumns} FROM refunds WHERE tenant_id = @TenantId AND gateway = @Gateway AND gateway_transaction_id = @TransactionId AND payment_id IS NULL;";

    // The rows read from these statements (RowParser: made once, not once per payment). LockedAttempts serves both
    // statements that begin with LockWithAttemptsSql; RecordedAttempt starts after the header's columns.
    private static readonly RowParser<AttemptRow> LockedAttempts = new();
    private static readonly int AttemptColumnCount = Columns.Split(',').Length;
    private static readonly RowParser<AttemptRow> RecordedAttempt = new(InvoiceRepository.HeaderColumnCount, AttemptColumnCount);
    private static readonly int InstallmentColumn = InvoiceRepository.HeaderColumnCount + AttemptColumnCount;
    private static readonly RowParser<PaymentRepository.PaymentRow> TransactionPayment = new();
    private static readonly RowParser<PaymentRepository.RefundRow> WaitingMoneyOut = new();

    internal const string InsertSql = """
        INSERT INTO payment_attempts (id, tenant_id, invoice_id, installment_number, attempt_number, reference, rail, gateway,
            currency_code, amount, status, gateway_reference, checkout_url, failure_code, created_at, updated_at, expires_at)
        VALUES (@Id, @TenantId, @InvoiceId, @InstallmentNumber, @AttemptNumber, @Reference, @Rail, @Gateway,
            @CurrencyCode, @Amount, @Status, @GatewayReference, @CheckoutUrl, @FailureCode, @CreatedAt, @UpdatedAt, @ExpiresAt)
        """;

    // FORCE INDEX (PRIMARY): by id, not by a range estimate of the tenant's attempts (see InvoiceRepository.UpdateHeaderSql).
    internal const string UpdateSql = """
        UPDATE payment_attempts FORCE INDEX (PRIMARY) SET status = @Status, gateway_reference = @GatewayReference, checkout_url = @CheckoutUrl,
            failure_code = @FailureCode, updated_at = @UpdatedAt, expires_at = @ExpiresAt
        WHERE id = @Id AND tenant_id = @TenantId
        """;

    public async Task<InvoiceAttempts?> LockInvoiceAsync(Guid tenantId, Guid invoiceId, CancellationToken cancellationToken)
    {
        await using var reader = await session.ExecuteReaderAsync(LockWithAttemptsSql, new { TenantId = tenantId, Id = invoiceId }, cancellationToken);
        return await ReadLockedAsync(reader, cancellationToken);
    }

    public async Task<InvoiceAttempts?> LockWholeInvoiceAsync(Guid tenantId, Guid invoiceId, CancellationToken cancellationToken)
    {
        await using var results = await session.QueryMultipleAsync(LockWholeWithAttemptsSql, new { TenantId = tenantId, Id = invoiceId }, cancellationToken);
        var invoice = await InvoiceRepository.ReadAggregateAsync(results);
        var all = (await results.ReadAsync<AttemptRow>()).Select(Restore).ToArray();
        return invoice is null ? null : new InvoiceAttempts(invoice, all);
    }

    public async Task<(InvoiceHeader Invoice, PaymentAttempt? Attempt, InstallmentBalance? Installment)?> LockHeaderAsync(
        Guid tenantId, Guid invoiceId, Guid attemptId, CancellationToken cancellationToken)
    {
        await using var reader = await session.ExecuteReaderAsync(
            LockHeaderWithAttemptSql, new { TenantId = tenantId, Id = invoiceId, AttemptId = attemptId }, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        // The header's columns come first, then the attempt's and the installment's, each all null when there is no such row.
        var invoice = InvoiceRepository.ReadHeader(reader);
        var attempt = reader.IsDBNull(InvoiceRepository.HeaderColumnCount) ? null : Restore(RecordedAttempt.Read(reader));
        var installment = reader.IsDBNull(InstallmentColumn)
            ? null
            : new InstallmentBalance(
                reader.GetInt32(InstallmentColumn), new Money(reader.GetInt64(InstallmentColumn + 1), invoice.Total.Currency),
                new Money(reader.GetInt64(InstallmentColumn + 2), invoice.Total.Currency));
        return (invoice, attempt, installment);
    }

    /// <summary>The invoice and its attempts from <see cref="LockWithAttemptsSql"/>; leaves the reader on the result set after them.</summary>
    private static async Task<InvoiceAttempts?> ReadLockedAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var invoice = await InvoiceRepository.ReadForPaymentAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var all = await ReadAllAsync(reader, LockedAttempts, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        return invoice is null ? null : new InvoiceAttempts(invoice, all.Select(Restore).ToArray());
    }

    private static async Task<List<T>> ReadAllAsync<T>(DbDataReader reader, RowParser<T> parser, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(parser.Read(reader));
        }

        return rows;
    }

    public async Task<(InvoiceAttempts Locked, Payment? TransactionPayment, IReadOnlyList<Refund> WaitingMoneyOut)?> LockInvoiceAsync(
        Guid tenantId, Guid invoiceId, string gateway, string gatewayTransactionId, CancellationToken cancellationToken)
    {
        await using var reader = await session.ExecuteReaderAsync(
            LockWithAttemptsSql + TransactionPaymentSql + WaitingMoneyOutSql,
            new { TenantId = tenantId, Id = invoiceId, Gateway = gateway, TransactionId = gatewayTransactionId }, cancellationToken);
        var locked = await ReadLockedAsync(reader, cancellationToken);
        var payment = (await ReadAllAsync(reader, TransactionPayment, cancellationToken)).SingleOrDefault();
        await reader.NextResultAsync(cancellationToken);
        var waiting = (await ReadAllAsync(reader, WaitingMoneyOut, cancellationToken)).Select(row => row.ToRefund()).ToArray();
        return locked is null ? null : (locked, payment?.ToPayment(), waiting);
    }

    // Both queued with the transaction's other writes: the attempt's number and reference are chosen under the
    // invoice lock, so nothing waits for an answer.
    public async Task InsertAsync(PaymentAttempt attempt, CancellationToken cancellationToken) =>
        await session.WriteAsync(InsertSql, Parameters(attempt), cancellationToken);

    public async Task UpdateAsync(PaymentAttempt attempt, CancellationToken cancellationToken) =>
        await session.WriteAsync(UpdateSql, Parameters(attempt), cancellationToken);

    private static object Parameters(PaymentAttempt attempt) => new
    {
        attempt.Id,
        attempt.TenantId,
        attempt.InvoiceId,
        attempt.InstallmentNumber,
        attempt.AttemptNumber,
        attempt.Reference,
        attempt.Rail,
        attempt.Gateway,
        CurrencyCode = attempt.Amount.Currency.Code,
        Amount = attempt.Amount.Minor,
        Status = PaymentAttemptStatusNames.Of(attempt.Status),
        attempt.GatewayReference,
        attempt.CheckoutUrl,
        FailureCode = attempt.FailureCode?.Code,
        attempt.CreatedAt,
        attempt.UpdatedAt,
        attempt.ExpiresAt,
    };

    private static PaymentAttempt Restore(AttemptRow row) => PaymentAttempt.Restore(new PaymentAttemptSnapshot(
        row.Id, row.TenantId, row.InvoiceId, row.InstallmentNumber, row.AttemptNumber, row.Reference, row.Rail, row.Gateway,
        new Money(row.Amount, Currency.Parse(row.CurrencyCode)), PaymentAttemptStatusNames.Parse(row.Status), row.GatewayReference,
        row.CheckoutUrl, row.FailureCode is null ? null : FailureCode.Parse(row.FailureCode),
        row.CreatedAt.ToInstantUtc(), row.UpdatedAt.ToInstantUtc(), row.ExpiresAt.ToInstantUtc()));


    private sealed record AttemptRow(
        Guid Id, Guid TenantId, Guid InvoiceId, short? InstallmentNumber, int AttemptNumber, string Reference, string Rail, string Gateway,
        string CurrencyCode, long Amount, string Status, string? GatewayReference, string? CheckoutUrl, string? FailureCode,
        DateTime CreatedAt, DateTime UpdatedAt, DateTime ExpiresAt);
}
