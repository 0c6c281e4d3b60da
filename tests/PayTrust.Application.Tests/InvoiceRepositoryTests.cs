using Dapper;
using NodaTime;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
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

    private static Invoice NewInvoice(Guid tenantId)
    {
        var terms = new InvoiceTerms(
            Currency.IDR, "sandbox", new FeeRule(0.01m, 1000),
            [new LineItem(Guid.CreateVersion7(), "Shoes", 2, Money.Amount(150_000, Currency.IDR), TaxRate.Parse("0.11"), "VAT", "ID")],
            new InstallmentPlan(3, null, 30, null), null, "Order", new Customer("Budi", null, null), null);
        return Invoice.Create(Guid.CreateVersion7(), tenantId, "ORDER-REPO", null, null, terms, PaymentReference.New(), "tokentokentokentoken01", Now);
    }

    private async Task<Guid> CreateTenantAsync()
    {
        var id = Guid.CreateVersion7();
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("INSERT INTO tenants (id, name, created_at) VALUES (@Id, 'Repo test', UTC_TIMESTAMP(6))", new { Id = id });
        return id;
    }
}
