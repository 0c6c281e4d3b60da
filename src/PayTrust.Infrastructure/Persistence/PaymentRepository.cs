using Dapper;
using MySqlConnector;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>payments, payment_discrepancies and refunds (db/migrations/0008_payments_in.sql).</summary>
internal sealed class PaymentRepository(DbSession session) : IPaymentRepository
{
    internal const string Columns = """
        id AS Id, tenant_id AS TenantId, invoice_id AS InvoiceId, attempt_id AS AttemptId, rail AS Rail, gateway AS Gateway,
        gateway_transaction_id AS GatewayTransactionId, reference AS Reference, currency_code AS CurrencyCode, amount AS Amount,
        source AS Source, applied AS Applied, note AS Note, paid_at AS PaidAt, recorded_at AS RecordedAt
        """;

    private const string InsertPaymentSql = """
        INSERT INTO payments (id, tenant_id, invoice_id, attempt_id, rail, gateway, gateway_transaction_id, reference, currency_code,
            amount, source, applied, note, paid_at, recorded_at)
        VALUES (@Id, @TenantId, @InvoiceId, @AttemptId, @Rail, @Gateway, @GatewayTransactionId, @Reference, @CurrencyCode,
            @Amount, @Source, @Applied, @Note, @PaidAt, @RecordedAt)
        """;

    public Task<Payment?> FindByReferenceAsync(Guid tenantId, string reference, CancellationToken cancellationToken) =>
        FindAsync($"SELECT {Columns} FROM payments WHERE tenant_id = @TenantId AND reference = @Reference",
            new { TenantId = tenantId, Reference = reference }, cancellationToken);

    public async Task<bool> InsertAsync(Payment payment, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            payment.Id, payment.TenantId, payment.InvoiceId, payment.AttemptId, payment.Rail, payment.Gateway, payment.GatewayTransactionId,
            payment.Reference, CurrencyCode = payment.Amount.Currency.Code, Amount = payment.Amount.Minor,
            Source = PaymentSourceNames.Of(payment.Source), payment.Applied, payment.Note,
            PaidAt = payment.PaidAt.ToDateTimeUtc(), RecordedAt = payment.RecordedAt.ToDateTimeUtc(),
        };
        if (payment.Reference is null)
        {
            // Only a merchant's reference can be taken already (a gateway transaction was looked up under the
            // invoice lock): without one, nobody waits for the answer and the insert goes with the commit.
            await session.WriteAsync(InsertPaymentSql, parameters, cancellationToken);
            return true;
        }

        try
        {
            await session.ExecuteNowAsync(InsertPaymentSql, parameters, cancellationToken);
            return true;
        }
        catch (MySqlException duplicate) when (duplicate.ErrorCode == MySqlErrorCode.DuplicateKeyEntry
            && duplicate.Message.Contains("ux_payments_tenant_reference", StringComparison.Ordinal))
        {
            return false;
        }
    }

    public async Task InsertDiscrepancyAsync(Discrepancy discrepancy, CancellationToken cancellationToken) =>
        await session.WriteAsync(
            """
            INSERT INTO payment_discrepancies (id, tenant_id, invoice_id, payment_id, webhook_event_id, kind, expected_currency_code,
                expected_amount, received_currency_code, received_amount, difference, created_at)
            VALUES (@Id, @TenantId, @InvoiceId, @PaymentId, @WebhookEventId, @Kind, @ExpectedCurrency, @ExpectedAmount, @ReceivedCurrency,
                @ReceivedAmount, @Difference, @CreatedAt)
            """,
            new
            {
                discrepancy.Id, discrepancy.TenantId, discrepancy.InvoiceId, discrepancy.PaymentId, discrepancy.WebhookEventId,
                Kind = DiscrepancyKindNames.Of(discrepancy.Kind), ExpectedCurrency = discrepancy.Expected.Currency.Code,
                ExpectedAmount = discrepancy.Expected.Minor, ReceivedCurrency = discrepancy.Received.Currency.Code,
                ReceivedAmount = discrepancy.Received.Minor, discrepancy.Difference, CreatedAt = discrepancy.CreatedAt.ToDateTimeUtc(),
            },
            cancellationToken);

    public Task<Payment?> LockAsync(Guid tenantId, Guid paymentId, CancellationToken cancellationToken) =>
        FindAsync($"SELECT {Columns} FROM payments WHERE id = @Id AND tenant_id = @TenantId FOR UPDATE",
            new { Id = paymentId, TenantId = tenantId }, cancellationToken);

    public async Task ApplyStrandedAsync(Payment stranded, Payment applied, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        // Conditional on the row still being unapplied, and counted: under the caller's row lock it always is, and were it
        // ever not, the invoice's amounts must not change either (the exception rolls the transaction back).
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE payments FORCE INDEX (PRIMARY)
            SET invoice_id = @InvoiceId, applied = 1, recorded_at = @RecordedAt,
                original_invoice_id = @OriginalInvoiceId, original_recorded_at = @OriginalRecordedAt
            WHERE id = @Id AND tenant_id = @TenantId AND applied = 0
            """,
            new
            {
                stranded.Id, stranded.TenantId, applied.InvoiceId, RecordedAt = applied.RecordedAt.ToDateTimeUtc(),
                OriginalInvoiceId = stranded.InvoiceId, OriginalRecordedAt = stranded.RecordedAt.ToDateTimeUtc(),
            },
            cancellationToken: cancellationToken));
        if (changed != 1)
        {
            throw new InvalidOperationException($"Payment {stranded.Id} was not unapplied when it was applied under its lock.");
        }
    }

    public async Task<bool> RefundExistsAsync(Guid tenantId, string gateway, string gatewayTransactionId, string gatewayRefundId, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            SELECT COUNT(*) FROM refunds
            WHERE tenant_id = @TenantId AND gateway = @Gateway AND gateway_transaction_id = @TransactionId AND gateway_refund_id = @RefundId
            """,
            new { TenantId = tenantId, Gateway = gateway, TransactionId = gatewayTransactionId, RefundId = gatewayRefundId },
            cancellationToken: cancellationToken)) > 0;
    }

    public async Task InsertRefundAsync(Refund refund, bool countOnInvoice, CancellationToken cancellationToken)
    {
        await session.WriteAsync(
            """
            INSERT INTO refunds (id, tenant_id, invoice_id, payment_id, kind, attempt_id, gateway, gateway_transaction_id, gateway_refund_id,
                currency_code, amount, reason, refunded_at, recorded_at)
            VALUES (@Id, @TenantId, @InvoiceId, @PaymentId, @Kind, @AttemptId, @Gateway, @GatewayTransactionId, @GatewayRefundId,
                @CurrencyCode, @Amount, @Reason, @RefundedAt, @RecordedAt)
            """,
            new
            {
                refund.Id, refund.TenantId, refund.InvoiceId, refund.PaymentId, Kind = MoneyOutKindNames.Of(refund.Kind), refund.AttemptId,
                refund.Gateway, refund.GatewayTransactionId, refund.GatewayRefundId,
                CurrencyCode = refund.Amount.Currency.Code, Amount = refund.Amount.Minor, refund.Reason,
                RefundedAt = refund.RefundedAt.ToDateTimeUtc(), RecordedAt = refund.RecordedAt.ToDateTimeUtc(),
            },
            cancellationToken);
        if (countOnInvoice)
        {
            await CountOnInvoiceAsync(refund, cancellationToken);
        }
    }

    public async Task AttachMoneyOutAsync(Refund refund, Guid paymentId, bool countOnInvoice, CancellationToken cancellationToken)
    {
        await session.WriteAsync(
            "UPDATE refunds SET payment_id = @PaymentId WHERE id = @Id AND tenant_id = @TenantId AND payment_id IS NULL",
            new { PaymentId = paymentId, refund.Id, refund.TenantId },
            cancellationToken);
        if (countOnInvoice)
        {
            await CountOnInvoiceAsync(refund, cancellationToken);
        }
    }

    // An increment, not a rewrite of the row: the payment paths lock and read the invoice's header only (ADR 19), which
    // does not carry amount_refunded, and the caller holds the row lock, so the sum cannot race.
    private async Task CountOnInvoiceAsync(Refund refund, CancellationToken cancellationToken) =>
        await session.WriteAsync(
            "UPDATE invoices SET amount_refunded = amount_refunded + @Amount WHERE tenant_id = @TenantId AND id = @InvoiceId",
            new { Amount = refund.Amount.Minor, refund.TenantId, refund.InvoiceId },
            cancellationToken);

    public async Task<long> RefundedAmountAsync(Guid paymentId, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE payment_id = @PaymentId",
            new { PaymentId = paymentId }, cancellationToken: cancellationToken));
    }

    private async Task<Payment?> FindAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<PaymentRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return row?.ToPayment();
    }

    internal sealed record PaymentRow(
        Guid Id, Guid TenantId, Guid InvoiceId, Guid? AttemptId, string Rail, string? Gateway, string? GatewayTransactionId, string? Reference,
        string CurrencyCode, long Amount, string Source, bool Applied, string? Note, DateTime PaidAt, DateTime RecordedAt)
    {
        public Payment ToPayment() => new(
            Id, TenantId, InvoiceId, AttemptId, Rail, Gateway, GatewayTransactionId, Reference, new Money(Amount, Currency.Parse(CurrencyCode)),
            PaymentSourceNames.Parse(Source), Applied, Note, PaidAt.ToInstantUtc(), RecordedAt.ToInstantUtc());
    }


    /// <summary>A refunds row, in <see cref="RefundRow"/>'s order.</summary>
    internal const string RefundColumns = """
        id, tenant_id, invoice_id, payment_id, kind, attempt_id, gateway, gateway_transaction_id, gateway_refund_id,
        currency_code, amount, reason, refunded_at, recorded_at
        """;

    internal sealed record RefundRow(
        Guid Id, Guid TenantId, Guid InvoiceId, Guid? PaymentId, string Kind, Guid? AttemptId, string Gateway, string GatewayTransactionId,
        string GatewayRefundId, string CurrencyCode, long Amount, string? Reason, DateTime RefundedAt, DateTime RecordedAt)
    {
        public Refund ToRefund() => new(
            Id, TenantId, InvoiceId, PaymentId, AttemptId, MoneyOutKindNames.Parse(Kind), Gateway, GatewayTransactionId, GatewayRefundId,
            new Money(Amount, Currency.Parse(CurrencyCode)), Reason, RefundedAt.ToInstantUtc(), RecordedAt.ToInstantUtc());
    }
}
