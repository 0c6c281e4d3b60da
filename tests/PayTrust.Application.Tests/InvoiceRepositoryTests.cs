using Dapper;
using NodaTime;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;
using PayTrust.Infrastructure.Persistence;
using PayTrust.Testing;

namespace PayTrust.Application.Tests;

public class InvoiceRepositoryTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 24, 10, 0);

    [Fact]
    public async Task An_invoice_reads_back_as_written_and_a_read_leaves_no_transaction_open()
    {
        var tenantId = await CreateTenantAsync();
        var invoice = NewInvoice(tenantId);
        await using (var writer = new DbSession(new MySqlConnector.MySqlDataSource(database.ConnectionString)))
        {
            await writer.BeginAsync(CancellationToken.None);
            Assert.Equal(Application.Abstractions.InvoiceInsertResult.Inserted, (await new InvoiceRepository(writer).InsertAsync(invoice, CancellationToken.None)).Result);
            await writer.CommitAsync(CancellationToken.None);
        }

        await using var reader = new DbSession(new MySqlConnector.MySqlDataSource(database.ConnectionString));
        var stored = await new InvoiceRepository(reader).FindAsync(tenantId, invoice.Id, CancellationToken.None);
        var otherTenant = await new InvoiceRepository(reader).FindAsync(Guid.NewGuid(), invoice.Id, CancellationToken.None);

        Assert.NotNull(stored);
        Assert.Null(otherTenant);
        Assert.Equal(invoice.Totals, stored.Invoice.Totals);
        Assert.Equal(invoice.Schedule!.Installments, stored.Invoice.Schedule!.Installments);
        Assert.Equal(invoice.LineItems.Select(l => (l.Id, l.Subtotal, l.Tax)), stored.Invoice.LineItems.Select(l => (l.Id, l.Subtotal, l.Tax)));
        var connection = await reader.GetConnectionAsync(CancellationToken.None);
        // The read's own snapshot transaction was committed in its batch: the pooled connection is clean.
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT @@in_transaction"));
    }

    [Fact]
    public async Task A_locking_read_of_another_tenants_invoice_finds_nothing_and_locks_nothing_of_it()
    {
        var ownerId = await CreateTenantAsync();
        var invoice = NewInvoice(ownerId, "ORDER-LOCKS");
        await InsertAsync(invoice);
        await using var intruder = new DbSession(new MySqlConnector.MySqlDataSource(database.ConnectionString));
        await intruder.BeginAsync(CancellationToken.None);

        var found = await new InvoiceRepository(intruder).FindForUpdateAsync(Guid.NewGuid(), invoice.Id, CancellationToken.None);

        Assert.Null(found);
        // While the intruder's transaction is open, the owner can lock its invoice and every child row at once.
        await using var owner = await database.OpenAsync();
        await using var ownerTransaction = await owner.BeginTransactionAsync();
        Assert.Equal(1, await owner.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM (SELECT id FROM invoices WHERE id = @Id FOR UPDATE NOWAIT) x", new { invoice.Id }, ownerTransaction));
        Assert.Equal(1, await owner.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM (SELECT id FROM invoice_line_items WHERE invoice_id = @Id FOR UPDATE NOWAIT) x", new { invoice.Id }, ownerTransaction));
        Assert.Equal(3, await owner.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM (SELECT number FROM invoice_installments WHERE invoice_id = @Id FOR UPDATE NOWAIT) x", new { invoice.Id }, ownerTransaction));
        await intruder.RollbackAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_locking_read_returns_the_whole_invoice_and_holds_its_rows()
    {
        var ownerId = await CreateTenantAsync();
        var invoice = NewInvoice(ownerId, "ORDER-HELD");
        await InsertAsync(invoice);
        await using var holder = await BegunSessionAsync();

        var found = await new InvoiceRepository(holder).FindForUpdateAsync(ownerId, invoice.Id, CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal(invoice.Schedule!.Installments, found.Invoice.Schedule!.Installments);
        Assert.Equal(invoice.LineItems.Select(l => l.Id), found.Invoice.LineItems.Select(l => l.Id));
        await using var other = await database.OpenAsync();
        await using var otherTransaction = await other.BeginTransactionAsync();
        await AssertHeldAsync(other, otherTransaction, invoice.Id,
            "SELECT id FROM invoices WHERE id = @Id FOR UPDATE NOWAIT",
            "SELECT id FROM invoice_line_items WHERE invoice_id = @Id FOR UPDATE NOWAIT",
            "SELECT number FROM invoice_installments WHERE invoice_id = @Id FOR UPDATE NOWAIT");
        await holder.RollbackAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_payment_lock_reads_the_invoice_and_its_installments_without_its_lines_and_holds_what_it_read()
    {
        var ownerId = await CreateTenantAsync();
        var invoice = NewInvoice(ownerId, "ORDER-PAYMENT-LOCK");
        await InsertAsync(invoice);
        await using var holder = await BegunSessionAsync();

        var locked = await new PaymentAttemptRepository(holder).LockInvoiceAsync(ownerId, invoice.Id, CancellationToken.None);

        Assert.NotNull(locked);
        Assert.Equal(invoice.Schedule!.Installments, locked.Invoice.Schedule!.Installments);
        Assert.Equal((invoice.Totals, invoice.AmountDue, invoice.Status, invoice.PaymentToken),
            (locked.Invoice.Totals, locked.Invoice.AmountDue, locked.Invoice.Status, locked.Invoice.PaymentToken));
        Assert.Throws<InvalidOperationException>(() => locked.Invoice.LineItems);
        Assert.Empty(locked.All);
        await using var other = await database.OpenAsync();
        await using var otherTransaction = await other.BeginTransactionAsync();
        await AssertHeldAsync(other, otherTransaction, invoice.Id,
            "SELECT id FROM invoices WHERE id = @Id FOR UPDATE NOWAIT",
            "SELECT number FROM invoice_installments WHERE invoice_id = @Id FOR UPDATE NOWAIT");

        // The lines were never read, so they are not held: every writer of them takes the invoice lock first anyway.
        Assert.Equal(1, await other.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM (SELECT id FROM invoice_line_items WHERE invoice_id = @Id FOR UPDATE NOWAIT) x", new { invoice.Id }, otherTransaction));
        await holder.RollbackAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_payment_lock_reads_an_invoice_without_installments_and_finds_nothing_of_another_tenants()
    {
        var ownerId = await CreateTenantAsync();
        var invoice = NewInvoice(ownerId, "ORDER-NO-PLAN", withInstallments: false);
        await InsertAsync(invoice);
        await using var session = new DbSession(new MySqlConnector.MySqlDataSource(database.ConnectionString));
        await session.BeginAsync(CancellationToken.None);
        var repository = new PaymentAttemptRepository(session);

        var intruded = await repository.LockInvoiceAsync(Guid.NewGuid(), invoice.Id, CancellationToken.None);
        var locked = await repository.LockInvoiceAsync(ownerId, invoice.Id, CancellationToken.None);

        Assert.Null(intruded);
        Assert.NotNull(locked);
        Assert.Null(locked.Invoice.Schedule);
        Assert.Equal((invoice.Totals.Total, invoice.AmountDue), (locked.Invoice.Totals.Total, locked.Invoice.AmountDue));
        await session.RollbackAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_header_lock_reads_the_row_and_the_one_attempt_holds_the_row_and_the_header_update_changes_nothing_else()
    {
        var ownerId = await CreateTenantAsync();
        var invoice = NewInvoice(ownerId, "ORDER-HEADER", withInstallments: false);
        await InsertAsync(invoice);
        // Paid in part by a merchant-recorded payment before any checkout: amounts that differ, no payment_initiated_at.
        invoice.ApplyPayment(Money.Amount(100_000, Currency.IDR), Now);
        var attempt = PaymentAttempt.Start(ownerId, invoice.Id, invoice.PaymentReference, 1, null, invoice.AmountDue, "card_psp", "sandbox", Now, Now + Duration.FromHours(1));
        await using (var writer = await BegunSessionAsync())
        {
            await new InvoiceRepository(writer).UpdateAsync(invoice, CancellationToken.None);
            await new PaymentAttemptRepository(writer).InsertAsync(attempt, CancellationToken.None);
            await writer.CommitAsync(CancellationToken.None);
        }

        var before = await InvoiceRowAsync(invoice.Id);
        await using var holder = await BegunSessionAsync();
        var repository = new PaymentAttemptRepository(holder);

        var unknownAttempt = await repository.LockHeaderAsync(ownerId, invoice.Id, Guid.NewGuid(), CancellationToken.None);
        var (header, found, installment) = await repository.LockHeaderAsync(ownerId, invoice.Id, attempt.Id, CancellationToken.None)
            ?? throw new Xunit.Sdk.XunitException("the owner's invoice was not found");

        Assert.Null(unknownAttempt!.Value.Attempt);
        Assert.Equal((attempt.Id, PaymentAttemptStatus.Creating, attempt.Amount), (found!.Id, found.Status, found.Amount));
        Assert.Equal(
            (invoice.Id, invoice.TenantId, invoice.ExternalId, invoice.ParentInvoiceId, invoice.Status, invoice.Totals.Total, invoice.AmountPaid, invoice.Overpayment, invoice.AmountDue),
            (header.Id, header.TenantId, header.ExternalId, header.ParentInvoiceId, header.Status, header.Total, header.AmountPaid, header.Overpayment, header.AmountDue));
        Assert.Equal((invoice.ExpiresAt, invoice.UpdatedAt, (Instant?)null), (header.ExpiresAt, header.UpdatedAt, header.PaymentInitiatedAt));
        Assert.Equal(invoice.Gateway, header.Gateway);
        Assert.Equal(invoice.Schedule is { } schedule ? new InstallmentBalance(1, schedule.Installments[0].Amount, schedule.Installments[0].AmountPaid) : null, installment);
        await using (var other = await database.OpenAsync())
        {
            await using var otherTransaction = await other.BeginTransactionAsync();
            await AssertHeldAsync(other, otherTransaction, invoice.Id, "SELECT id FROM invoices WHERE id = @Id FOR UPDATE NOWAIT");
        }

        Assert.True(header.MarkPaymentInitiated(Now + Duration.FromMinutes(5)));
        await new InvoiceRepository(holder).UpdateAsync(header, CancellationToken.None);
        await holder.CommitAsync(CancellationToken.None);

        // Partially paid stays partially paid: only payment_initiated_at changes.
        var after = await InvoiceRowAsync(invoice.Id);
        Assert.Equal(["payment_initiated_at"], before.Keys.Where(column => !Equals(before[column], after[column])));
        await using var connection = await database.OpenAsync();
        var payload = await connection.QuerySingleAsync<string>(
            "SELECT payload FROM outbox_events WHERE subject_id = @Id AND type = 'invoice.payment_initiated'", new { invoice.Id });
        foreach (var field in new[]
        {
            "\"status\":\"partially_paid\"", $"\"external_id\":\"{invoice.ExternalId}\"", $"\"total_amount\":{invoice.Totals.Total.Minor}",
            "\"amount_paid\":100000", $"\"amount_due\":{invoice.AmountDue.Minor}", "\"overpayment_amount\":0",
        })
        {
            Assert.Contains(field, payload, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_header_lock_of_another_tenant_finds_nothing_and_locks_nothing_of_the_owners()
    {
        var ownerId = await CreateTenantAsync();
        var intruderId = await CreateTenantAsync();
        var invoice = NewInvoice(ownerId, "ORDER-HEADER-INTRUDED", withInstallments: false);
        await InsertAsync(invoice);
        var attempt = PaymentAttempt.Start(ownerId, invoice.Id, invoice.PaymentReference, 1, null, invoice.AmountDue, "card_psp", "sandbox", Now, Now + Duration.FromHours(1));
        await using (var writer = await BegunSessionAsync())
        {
            await new PaymentAttemptRepository(writer).InsertAsync(attempt, CancellationToken.None);
            await writer.CommitAsync(CancellationToken.None);
        }

        await using var intruder = await BegunSessionAsync();
        var intruded = await new PaymentAttemptRepository(intruder).LockHeaderAsync(intruderId, invoice.Id, attempt.Id, CancellationToken.None);

        Assert.Null(intruded);
        await using var owner = await database.OpenAsync();
        await using var ownerTransaction = await owner.BeginTransactionAsync();
        Assert.Equal(1, await owner.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM (SELECT id FROM invoices WHERE id = @Id FOR UPDATE NOWAIT) x", new { invoice.Id }, ownerTransaction));
        Assert.Equal(1, await owner.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM (SELECT id FROM payment_attempts WHERE id = @Id FOR UPDATE NOWAIT) x", new { attempt.Id }, ownerTransaction));
        await intruder.RollbackAsync(CancellationToken.None);
    }

    private async Task<IDictionary<string, object>> InvoiceRowAsync(Guid invoiceId)
    {
        await using var connection = await database.OpenAsync();
        return (IDictionary<string, object>)await connection.QuerySingleAsync("SELECT * FROM invoices WHERE id = @Id", new { Id = invoiceId });
    }

    private async Task<DbSession> BegunSessionAsync()
    {
        var session = new DbSession(new MySqlConnector.MySqlDataSource(database.ConnectionString));
        await session.BeginAsync(CancellationToken.None);
        return session;
    }

    /// <summary>Each locking read, sent from another connection, is refused at once: the rows it asks for are held.</summary>
    private static async Task AssertHeldAsync(System.Data.Common.DbConnection other, System.Data.Common.DbTransaction transaction, Guid invoiceId, params string[] lockingReads)
    {
        foreach (var sql in lockingReads)
        {
            // 3572: "Statement aborted because lock(s) could not be acquired immediately and NOWAIT is set".
            var refused = await Assert.ThrowsAsync<MySqlConnector.MySqlException>(() => other.QueryAsync(sql, new { Id = invoiceId }, transaction));
            Assert.Contains("lock", refused.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    private Task InsertAsync(Invoice invoice) => StoredInvoices.InsertAsync(database, invoice);

    private static Invoice NewInvoice(Guid tenantId, string externalId = "ORDER-REPO", bool withInstallments = true) =>
        StoredInvoices.NewIdrInvoice(
            tenantId, Now, [StoredInvoices.Shoes()], withInstallments ? new InstallmentPlan(3, null, 30, null) : null,
            new FeeRule(0.01m, 1000), new Customer("Budi", null, null), externalId);

    private Task<Guid> CreateTenantAsync() => StoredInvoices.CreateTenantAsync(database);
}
