using Dapper;
using MySqlConnector;
using NodaTime;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Payments;
using PayTrust.Infrastructure.Persistence;
using PayTrust.Testing;

namespace PayTrust.Application.Tests;

/// <summary>
/// The attempt path's statements prepared per connection and sent as EXECUTE … USING (ADR 27): what is sent, that a session
/// of PayTrustDataSource.Build really EXECUTEs them on MariaDB, and that the answers and the locks are those of the text.
/// </summary>
public class PreparedStatementsTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 2, 10, 0);

    [Fact]
    public void A_text_of_prepared_statements_becomes_their_EXECUTEs_with_the_same_parameters_in_order_and_other_texts_pass_unchanged()
    {
        const string other = "SELECT id FROM invoices WHERE tenant_id = @TenantId AND id = @Id";

        var locked = PreparedStatements.Executing(InvoiceRepository.LockForPaymentSql + PaymentAttemptRepository.AttemptsSql);
        var update = PreparedStatements.Executing(PaymentAttemptRepository.UpdateSql);

        Assert.Equal(
            "EXECUTE pt_lock_for_payment USING @TenantId, @Id;EXECUTE pt_attempts_of_invoice USING @TenantId, @Id;", locked);
        Assert.Equal(
            "EXECUTE pt_update_attempt USING @Status, @GatewayReference, @CheckoutUrl, @FailureCode, @UpdatedAt, @ExpiresAt, @Id, @TenantId",
            update);
        Assert.Same(other, PreparedStatements.Executing(other));
    }

    [Fact]
    public async Task A_built_data_sources_session_takes_and_records_an_attempt_through_EXECUTE_with_the_texts_results()
    {
        var (tenantId, invoice) = await InsertInvoiceAsync();
        await using var dataSource = PayTrustDataSource.Build(database.ConnectionString);
        await using var session = new DbSession(dataSource);
        var connection = (MySqlConnection)await session.GetConnectionAsync(CancellationToken.None);
        var executedBefore = await ExecutedAsync(connection);

        await session.BeginAsync(CancellationToken.None);
        var locked = await new PaymentAttemptRepository(session).LockInvoiceAsync(tenantId, invoice.Id, CancellationToken.None);
        var attempt = PaymentAttempt.Start(tenantId, invoice.Id, invoice.PaymentReference, 1, null, invoice.AmountDue, "card_psp", "sandbox", Now, Now + Duration.FromHours(1));
        await new PaymentAttemptRepository(session).InsertAsync(attempt, CancellationToken.None);
        await session.CommitAsync(CancellationToken.None);
        await session.BeginAsync(CancellationToken.None);
        var (header, found, _) = (await new PaymentAttemptRepository(session).LockHeaderAsync(tenantId, invoice.Id, attempt.Id, CancellationToken.None))!.Value;
        found!.Open("sbx_prepared", "https://checkout.example/prepared", Now + Duration.FromHours(1), Now);
        await new PaymentAttemptRepository(session).UpdateAsync(found, CancellationToken.None);
        Assert.True(header.MarkPaymentInitiated(Now));
        await new InvoiceRepository(session).UpdateAsync(header, CancellationToken.None);
        await session.CommitAsync(CancellationToken.None);
        var executed = await ExecutedAsync(connection) - executedBefore;

        // Lock, attempts, insert; header lock, attempt update, header update.
        Assert.Equal(PreparedStatements.IsMariaDb(connection) ? 6 : 0, executed);
        Assert.NotNull(locked);
        Assert.Equal(invoice.Id, locked.Invoice.Id);
        Assert.Equal(invoice.AmountDue, locked.Invoice.AmountDue);
        Assert.Empty(locked.All);
        await using var plain = new DbSession(new MySqlDataSource(database.ConnectionString));
        var stored = (await new PaymentAttemptRepository(plain).LockInvoiceAsync(tenantId, invoice.Id, CancellationToken.None))!;
        var storedAttempt = Assert.Single(stored.All);
        Assert.Equal((PaymentAttemptStatus.Pending, "sbx_prepared", "https://checkout.example/prepared", invoice.AmountDue),
            (storedAttempt.Status, storedAttempt.GatewayReference, storedAttempt.CheckoutUrl, storedAttempt.Amount));
        Assert.Equal(InvoiceStatus.Pending, stored.Invoice.Status);
        Assert.Equal(Now, stored.Invoice.PaymentInitiatedAt);
    }

    [Fact]
    public async Task The_prepared_payment_lock_of_another_tenants_invoice_finds_nothing_and_locks_nothing()
    {
        var (_, invoice) = await InsertInvoiceAsync();
        await using var dataSource = PayTrustDataSource.Build(database.ConnectionString);
        await using var intruder = new DbSession(dataSource);
        await intruder.BeginAsync(CancellationToken.None);

        var intruded = await new PaymentAttemptRepository(intruder).LockInvoiceAsync(Guid.CreateVersion7(), invoice.Id, CancellationToken.None);

        Assert.Null(intruded);
        await using var owner = await database.OpenAsync();
        await using var ownerTransaction = await owner.BeginTransactionAsync();
        Assert.Equal(1, await owner.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM (SELECT id FROM invoices WHERE id = @Id FOR UPDATE NOWAIT) x", new { invoice.Id }, ownerTransaction));
        Assert.Equal(2, await owner.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM (SELECT number FROM invoice_installments WHERE invoice_id = @Id FOR UPDATE NOWAIT) x", new { invoice.Id }, ownerTransaction));
        await intruder.RollbackAsync(CancellationToken.None);
    }

    private static async Task<long> ExecutedAsync(MySqlConnection connection) =>
        long.Parse(
            (await connection.QuerySingleAsync<(string, string)>("SHOW SESSION STATUS LIKE 'Com_execute_sql'")).Item2,
            System.Globalization.CultureInfo.InvariantCulture);

    private Task<(Guid TenantId, Invoice Invoice)> InsertInvoiceAsync() =>
        StoredInvoices.InsertForNewTenantAsync(database, Now, [StoredInvoices.Shoes()], new InstallmentPlan(2, null, 30, null));
}
