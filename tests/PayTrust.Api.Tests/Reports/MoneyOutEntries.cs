using Dapper;
using NodaTime;
using PayTrust.Testing;

namespace PayTrust.Api.Tests.Reports;

/// <summary>
/// Money-out entries (refunds, chargebacks, reversals: spec §7.4 step 6) written straight into <c>refunds</c>. Each row
/// stands for what the gateway-notification path records: the tenant's own invoice, the payment the money left
/// (<c>payment_id</c> NULL for an entry that arrived before its payment and waits for it), the gateway that reported
/// it, its kind, amount and the time it happened at the gateway (<c>refunded_at</c>). The report reads only these
/// columns (and the payment's <c>applied</c>), so the figures are tested here; the path from a webhook to the report
/// is tested end to end with the notifications themselves.
/// </summary>
internal static class MoneyOutEntries
{
    public static async Task<Guid> InsertAsync(
        TestDatabase database, Guid tenantId, Guid invoiceId, Guid? paymentId, string kind, string gateway, string currency, long amount,
        Instant refundedAt, Instant recordedAt)
    {
        var id = Guid.NewGuid();
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO refunds (id, tenant_id, invoice_id, payment_id, kind, gateway, gateway_transaction_id, gateway_refund_id,
                                 currency_code, amount, reason, refunded_at, recorded_at)
            VALUES (@Id, @TenantId, @InvoiceId, @PaymentId, @Kind, @Gateway, @Transaction, @RefundId, @Currency, @Amount, 'test', @RefundedAt, @RecordedAt)
            """,
            new
            {
                Id = id, TenantId = tenantId, InvoiceId = invoiceId, PaymentId = paymentId, Kind = kind, Gateway = gateway,
                Transaction = "txn_" + Guid.NewGuid().ToString("N"), RefundId = "rfd_" + Guid.NewGuid().ToString("N"), Currency = currency,
                Amount = amount, RefundedAt = refundedAt.ToDateTimeUtc(), RecordedAt = recordedAt.ToDateTimeUtc(),
            });
        return id;
    }

    /// <summary>A waiting entry's payment has landed: what the payment path does when it attaches the entry.</summary>
    public static async Task AttachAsync(TestDatabase database, Guid entryId, Guid paymentId)
    {
        await using var connection = await database.OpenAsync();
        Assert.Equal(1, await connection.ExecuteAsync(
            "UPDATE refunds SET payment_id = @PaymentId WHERE id = @Id AND payment_id IS NULL", new { Id = entryId, PaymentId = paymentId }));
    }
}
