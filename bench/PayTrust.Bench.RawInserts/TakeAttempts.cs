using System.Globalization;
using Dapper;
using MySqlConnector;

namespace PayTrust.Bench.RawInserts;

/// <summary>
/// The floor for the create-attempt scenario of ./build.sh bench: the least a database must be asked to take one
/// payment attempt the way spec §7.2 wants it — reserved under the invoice row lock and committed before the gateway
/// is called, then recorded in a second transaction — with no HTTP, no gateway, no mediator and no domain model. Four
/// round trips, as the API makes: (1) START TRANSACTION, lock the invoice, read its attempts; (2) insert the attempt
/// as creating, COMMIT; (3) START TRANSACTION, lock the invoice again; (4) the attempt becomes pending, the invoice
/// pending with payment_initiated_at, its invoice.payment_initiated event, COMMIT. Fewer statements than the API
/// sends (it also reads the invoice's lines and installments under each lock), so the ratio shows what PayTrust adds.
/// The draft invoices it takes attempts on are created first (not measured).
/// </summary>
internal sealed class TakeAttempts(MySqlDataSource dataSource, Guid tenantId)
{
    private const string LockSql = """
        START TRANSACTION;
        SELECT status, total_amount, payment_reference FROM invoices WHERE tenant_id = @TenantId AND id = @InvoiceId FOR UPDATE;
        SELECT attempt_number, status FROM payment_attempts WHERE tenant_id = @TenantId AND invoice_id = @InvoiceId ORDER BY attempt_number
        """;

    private const string ReserveSql = """
        INSERT INTO payment_attempts (id, tenant_id, invoice_id, installment_number, attempt_number, reference, rail, gateway,
            currency_code, amount, status, gateway_reference, checkout_url, failure_code, created_at, updated_at, expires_at)
        VALUES (@AttemptId, @TenantId, @InvoiceId, NULL, 1, @Reference, 'card_psp', 'sandbox',
            'IDR', @Amount, 'creating', NULL, NULL, NULL, @Now, @Now, @ExpiresAt);
        COMMIT
        """;

    private const string RelockSql = """
        START TRANSACTION;
        SELECT status, total_amount FROM invoices WHERE tenant_id = @TenantId AND id = @InvoiceId FOR UPDATE
        """;

    // Updates by id with FORCE INDEX (PRIMARY), as the API's (ADR 26).
    private const string RecordSql = """
        UPDATE payment_attempts FORCE INDEX (PRIMARY) SET status = 'pending', gateway_reference = @GatewayReference, checkout_url = @CheckoutUrl,
            updated_at = @Now WHERE id = @AttemptId AND tenant_id = @TenantId;
        UPDATE invoices FORCE INDEX (PRIMARY) SET status = 'pending', payment_initiated_at = @Now, updated_at = @Now WHERE id = @InvoiceId AND tenant_id = @TenantId;
        INSERT INTO outbox_events (id, tenant_id, type, subject_id, payload, occurred_at)
        VALUES (@EventId, @TenantId, 'invoice.payment_initiated', @InvoiceId, @Payload, @Now);
        COMMIT
        """;

    private readonly NewInvoice _invoice = new(tenantId, 0);

    /// <summary>Creates <paramref name="count"/> draft invoices; returns their ids.</summary>
    public Task<Guid[]> CreateTargetsAsync(int count, int connections) =>
        Targets.CreateAsync(dataSource, count, connections, async connection =>
        {
            await connection.ExecuteAsync(_invoice.Sql, _invoice.Parameters(out var id, out _));
            return id;
        });

    /// <summary>Takes the invoice's first attempt; returns its id and checkout URL.</summary>
    public async Task<(Guid AttemptId, string CheckoutUrl)> TakeAsync(Guid invoiceId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        try
        {
            string reference;
            long amount;
            await using (var locked = await connection.QueryMultipleAsync(LockSql, new { TenantId = tenantId, InvoiceId = invoiceId }))
            {
                (_, amount, reference) = await locked.ReadSingleAsync<(string Status, long Total, string Reference)>();
                _ = (await locked.ReadAsync<(int Number, string Status)>()).AsList();
            }

            var attemptId = Guid.NewGuid();
            var now = NewInvoice.StorageNow();
            await connection.ExecuteAsync(ReserveSql, new
            {
                AttemptId = attemptId, TenantId = tenantId, InvoiceId = invoiceId, Reference = reference + "-001", Amount = amount, Now = now,
                ExpiresAt = now.AddHours(24),
            });

            // (the gateway would be called here, with no transaction open)
            await connection.QuerySingleAsync<(string Status, long Total)>(RelockSql, new { TenantId = tenantId, InvoiceId = invoiceId });
            // What the sandbox opens: a random session token, which is also its page's address.
            var gatewayReference = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            var checkoutUrl = "http://localhost:8080/sandbox/checkout/" + gatewayReference;
            await connection.ExecuteAsync(RecordSql, new
            {
                AttemptId = attemptId, TenantId = tenantId, InvoiceId = invoiceId, GatewayReference = gatewayReference,
                CheckoutUrl = checkoutUrl, Now = now,
                EventId = Guid.CreateVersion7(),
                Payload = string.Create(CultureInfo.InvariantCulture,
                    $$"""{"invoice_id":"{{invoiceId}}","external_id":null,"status":"pending","currency_code":"IDR","total_amount":{{amount}},"amount_paid":0,"amount_due":{{amount}},"overpayment_amount":0,"expires_at":"{{now:O}}","parent_invoice_id":null,"installment_number":null}"""),
            });
            return (attemptId, checkoutUrl);
        }
        catch
        {
            await connection.ExecuteAsync("ROLLBACK");
            throw;
        }
    }

}
