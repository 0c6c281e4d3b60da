using System.Globalization;
using System.Text;
using Dapper;
using MySqlConnector;

namespace PayTrust.Bench.RawInserts;

/// <summary>
/// The floor for the webhook scenario of ./build.sh bench: the least a database must be asked to apply one gateway
/// payment exactly once, with no HTTP, no signature, no mediator and no domain model. Three round trips, as the API
/// makes: (1) who owns the reference and was this event seen before, (2) START TRANSACTION and lock the invoice row,
/// (3) the payment, the invoice and attempt updates, the invoice.paid and payment.succeeded events and the stored
/// webhook event, then COMMIT. Fewer statements than the API sends (it also reads the invoice's lines, installments and
/// attempts and the payment for the gateway transaction under the lock), so the ratio shows what PayTrust adds.
/// The invoices it pays are created first (not measured): pending, each with one pending sandbox attempt.
/// </summary>
internal sealed class ApplyPayments(MySqlDataSource dataSource, Guid tenantId)
{
    private const string OwnerSql = """
        SELECT a.tenant_id AS TenantId, a.invoice_id AS InvoiceId, a.id AS AttemptId, a.amount AS Amount,
               EXISTS (SELECT 1 FROM webhook_events w WHERE w.tenant_id = a.tenant_id AND w.gateway = 'sandbox' AND w.dedup_key = @DedupKey) AS Seen
        FROM payment_attempts a WHERE a.reference = @Reference
        """;

    private const string LockSql = """
        START TRANSACTION;
        SELECT total_amount, amount_paid, status FROM invoices WHERE tenant_id = @TenantId AND id = @InvoiceId FOR UPDATE
        """;

    // Updates by id with FORCE INDEX (PRIMARY), as the API's (ADR 26).
    private const string ApplySql = """
        INSERT INTO payments (id, tenant_id, invoice_id, attempt_id, rail, gateway, gateway_transaction_id, reference, currency_code,
            amount, source, applied, note, paid_at, recorded_at)
        VALUES (@PaymentId, @TenantId, @InvoiceId, @AttemptId, 'card_psp', 'sandbox', @TransactionId, NULL, 'IDR',
            @Amount, 'webhook', 1, NULL, @Now, @Now);
        UPDATE invoices FORCE INDEX (PRIMARY) SET status = 'fully_paid', amount_paid = @Amount, paid_at = @Now, updated_at = @Now
        WHERE id = @InvoiceId AND tenant_id = @TenantId;
        UPDATE payment_attempts FORCE INDEX (PRIMARY) SET status = 'succeeded', updated_at = @Now WHERE id = @AttemptId AND tenant_id = @TenantId;
        INSERT INTO outbox_events (id, tenant_id, type, subject_id, payload, occurred_at)
        VALUES (@PaidEventId, @TenantId, 'invoice.paid', @InvoiceId, @PaidPayload, @Now),
               (@PaymentEventId, @TenantId, 'payment.succeeded', @PaymentId, @PaymentPayload, @Now);
        INSERT INTO webhook_events (id, gateway, dedup_key, tenant_id, invoice_id, attempt_id, reference, payload, headers, status,
            outcome, retry_count, received_at, processed_at)
        VALUES (@WebhookEventId, 'sandbox', @DedupKey, @TenantId, @InvoiceId, @AttemptId, @Reference, @Body, @Headers, 'processed',
            'applied', 0, @Now, @Now);
        COMMIT
        """;

    private readonly NewInvoice _invoice = new(tenantId, 0);

    /// <summary>Creates <paramref name="count"/> pending invoices with a pending attempt each; returns the attempts' references.</summary>
    public Task<string[]> CreateTargetsAsync(int count, int connections) =>
        Targets.CreateAsync(dataSource, count, connections, async connection =>
        {
            var parameters = _invoice.Parameters(out _, out var paymentReference);
            var reference = paymentReference + "-001";
            parameters.Add("AttemptId", Guid.NewGuid());
            parameters.Add("AttemptReference", reference);
            await connection.ExecuteAsync(_invoice.Sql + """
                INSERT INTO payment_attempts (id, tenant_id, invoice_id, installment_number, attempt_number, reference, rail, gateway,
                    currency_code, amount, status, gateway_reference, checkout_url, failure_code, created_at, updated_at, expires_at)
                VALUES (@AttemptId, @TenantId, @Id, NULL, 1, @AttemptReference, 'card_psp', 'sandbox',
                    'IDR', @TotalAmount, 'pending', NULL, NULL, NULL, @CreatedAt, @CreatedAt, @ExpiresAt);
                UPDATE invoices SET status = 'pending', payment_initiated_at = @CreatedAt WHERE id = @Id;
                """, parameters);
            return reference;
        });

    public async Task ApplyAsync(string reference)
    {
        var transactionId = "sbx_txn_" + Guid.NewGuid().ToString("N");
        var dedupKey = "payment:" + transactionId;
        await using var connection = await dataSource.OpenConnectionAsync();
        var owner = await connection.QuerySingleAsync<Owner>(OwnerSql, new { Reference = reference, DedupKey = dedupKey });
        if (owner.Seen != 0)
        {
            return;
        }

        try
        {
            await connection.QuerySingleAsync<(long Total, long Paid, string Status)>(LockSql, new { owner.TenantId, owner.InvoiceId });
            var now = NewInvoice.StorageNow();
            var paymentId = Guid.CreateVersion7();
            var body = string.Create(CultureInfo.InvariantCulture,
                $$"""{"event":"payment.succeeded","reference":"{{reference}}","transaction_id":"{{transactionId}}","amount":{{owner.Amount}},"currency":"IDR","status":"succeeded","occurred_at":"{{now:O}}"}""");
            await connection.ExecuteAsync(ApplySql, new
            {
                PaymentId = paymentId,
                owner.TenantId,
                owner.InvoiceId,
                owner.AttemptId,
                TransactionId = transactionId,
                owner.Amount,
                Now = now,
                PaidEventId = Guid.CreateVersion7(),
                PaidPayload = string.Create(CultureInfo.InvariantCulture,
                    $$"""{"invoice_id":"{{owner.InvoiceId}}","external_id":null,"status":"fully_paid","currency_code":"IDR","total_amount":{{owner.Amount}},"amount_paid":{{owner.Amount}},"amount_due":0,"overpayment_amount":0,"expires_at":"{{now:O}}","parent_invoice_id":null,"installment_number":null}"""),
                PaymentEventId = Guid.CreateVersion7(),
                PaymentPayload = string.Create(CultureInfo.InvariantCulture,
                    $$"""{"payment_id":"{{paymentId}}","invoice_id":"{{owner.InvoiceId}}","attempt_id":"{{owner.AttemptId}}","amount":{{owner.Amount}},"currency_code":"IDR","gateway":"sandbox","gateway_transaction_id":"{{transactionId}}","paid_at":"{{now:O}}"}"""),
                WebhookEventId = Guid.CreateVersion7(),
                DedupKey = dedupKey,
                Reference = reference,
                Body = Encoding.UTF8.GetBytes(body),
                Headers = """{"Content-Type":"application/json","PayTrust-Signature":"t=0,v1=0000000000000000000000000000000000000000000000000000000000000000"}""",
            });
        }
        catch
        {
            await connection.ExecuteAsync("ROLLBACK");
            throw;
        }
    }


    private sealed record Owner(Guid TenantId, Guid InvoiceId, Guid AttemptId, long Amount, int Seen);
}
