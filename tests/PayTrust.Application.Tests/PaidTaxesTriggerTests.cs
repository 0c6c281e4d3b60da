using Dapper;
using NodaTime;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using PayTrust.Infrastructure.Persistence;
using PayTrust.Testing;

namespace PayTrust.Application.Tests;

/// <summary>
/// tr_invoices_paid_taxes (migrations 0009 and 0012): the tax-by-rate rows of a paid invoice are written by the database
/// in the update that moves the invoice to fully_paid, and by no other update.
/// </summary>
public class PaidTaxesTriggerTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 2, 10, 0);

    [Fact]
    public async Task Only_the_move_to_fully_paid_writes_one_row_per_tax_rate()
    {
        var (tenantId, invoiceId) = await InsertInvoiceAsync();
        await using var connection = await database.OpenAsync();

        await UpdateAsync(connection, invoiceId, "status = 'pending', payment_initiated_at = @At");
        await UpdateAsync(connection, invoiceId, "status = 'partially_paid', amount_paid = 1000");
        var beforePaid = await TaxRowsAsync(connection, invoiceId);
        await UpdateAsync(connection, invoiceId, "status = 'fully_paid', amount_paid = total_amount, paid_at = @At");
        var paid = await TaxRowsAsync(connection, invoiceId);
        await UpdateAsync(connection, invoiceId, "updated_at = @At + INTERVAL 1 MINUTE");
        var afterPaid = await TaxRowsAsync(connection, invoiceId);

        Assert.Empty(beforePaid);
        // A line of 2 × 150,000 at 11 % and one of 20,000 at 0 %: one row per rate with its tax and its number of lines.
        Assert.Equal([(0.0000m, 0L, 1), (0.1100m, 33_000L, 1)], paid);
        Assert.Equal(paid, afterPaid);
        Assert.Equal(tenantId, await connection.ExecuteScalarAsync<Guid>(
            "SELECT DISTINCT tenant_id FROM paid_invoice_taxes WHERE invoice_id = @InvoiceId", new { InvoiceId = invoiceId }));
    }

    [Fact]
    public async Task An_invoice_marked_fully_paid_without_paid_at_gets_no_rows()
    {
        var (_, invoiceId) = await InsertInvoiceAsync();
        await using var connection = await database.OpenAsync();

        await UpdateAsync(connection, invoiceId, "status = 'fully_paid', amount_paid = total_amount");

        Assert.Empty(await TaxRowsAsync(connection, invoiceId));
    }

    private static async Task UpdateAsync(System.Data.Common.DbConnection connection, Guid invoiceId, string set) =>
        Assert.Equal(1, await connection.ExecuteAsync($"UPDATE invoices SET {set} WHERE id = @InvoiceId", new { InvoiceId = invoiceId, At = Now.ToDateTimeUtc() }));

    private static async Task<List<(decimal Rate, long Tax, int Lines)>> TaxRowsAsync(System.Data.Common.DbConnection connection, Guid invoiceId) =>
        (await connection.QueryAsync<(decimal, long, int)>(
            "SELECT tax_rate, tax_amount, line_item_count FROM paid_invoice_taxes WHERE invoice_id = @InvoiceId ORDER BY tax_rate",
            new { InvoiceId = invoiceId })).ToList();

    private async Task<(Guid TenantId, Guid InvoiceId)> InsertInvoiceAsync()
    {
        LineItem giftCard = new(Guid.CreateVersion7(), "Gift card", 1, Money.Amount(20_000, Currency.IDR), TaxRate.Parse("0"), "VAT", "ID");
        var (tenantId, invoice) = await StoredInvoices.InsertForNewTenantAsync(database, Now, [StoredInvoices.Shoes(), giftCard], null);
        return (tenantId, invoice.Id);
    }
}
