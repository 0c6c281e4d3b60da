using Dapper;
using MySqlConnector;
using NodaTime;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using PayTrust.Infrastructure.Persistence;
using PayTrust.Testing;

namespace PayTrust.Application.Tests;

/// <summary>
/// What the repository-level tests start from: a tenant row, and an IDR invoice on the sandbox gateway written through
/// the real <see cref="InvoiceRepository"/> and committed, so that it is stored exactly as the application stores it.
/// </summary>
internal static class StoredInvoices
{
    public static LineItem Shoes() =>
        new(Guid.CreateVersion7(), "Shoes", 2, Money.Amount(150_000, Currency.IDR), TaxRate.Parse("0.11"), "VAT", "ID");

    public static async Task<Guid> CreateTenantAsync(TestDatabase database)
    {
        var id = Guid.CreateVersion7();
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("INSERT INTO tenants (id, name, created_at) VALUES (@Id, 'Repository test', UTC_TIMESTAMP(6))", new { Id = id });
        return id;
    }

    public static Invoice NewIdrInvoice(
        Guid tenantId, Instant now, IReadOnlyList<LineItem> lines, InstallmentPlan? plan,
        FeeRule? fee = null, Customer? customer = null, string? externalId = null)
    {
        var terms = new InvoiceTerms(Currency.IDR, "sandbox", fee ?? new FeeRule(0m, 0), lines, plan, null, "Order", customer, null);
        return Invoice.Create(Guid.CreateVersion7(), tenantId, externalId, null, null, terms, PaymentReference.New(), Guid.NewGuid().ToString("N")[..22], now);
    }

    public static async Task InsertAsync(TestDatabase database, Invoice invoice)
    {
        await using var writer = new DbSession(new MySqlDataSource(database.ConnectionString));
        await writer.BeginAsync(CancellationToken.None);
        await new InvoiceRepository(writer).InsertAsync(invoice, CancellationToken.None);
        await writer.CommitAsync(CancellationToken.None);
    }

    /// <summary>A new tenant with one stored invoice of the given lines and plan.</summary>
    public static async Task<(Guid TenantId, Invoice Invoice)> InsertForNewTenantAsync(
        TestDatabase database, Instant now, IReadOnlyList<LineItem> lines, InstallmentPlan? plan)
    {
        var tenantId = await CreateTenantAsync(database);
        var invoice = NewIdrInvoice(tenantId, now, lines, plan);
        await InsertAsync(database, invoice);
        return (tenantId, invoice);
    }
}
