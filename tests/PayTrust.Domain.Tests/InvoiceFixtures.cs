using NodaTime;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Tests;

/// <summary>Builders shared by the invoice tests. Every instant is explicit; nothing reads the clock.</summary>
internal static class InvoiceFixtures
{
    /// <summary>The created_at of every invoice built here unless a test says otherwise.</summary>
    public static readonly Instant CreatedAt = Instant.FromUtc(2026, 11, 23, 10, 0);

    public static readonly FeeRule NoFee = new(0m, 0);

    public static LineItem Line(Currency currency, long unitPrice, int quantity = 1, decimal taxRate = 0m, string? countryCode = null) =>
        new(Guid.NewGuid(), "Item", quantity, new Money(unitPrice, currency), TaxRate.Of(taxRate), "VAT", countryCode);

    public static InvoiceTerms Terms(
        Currency currency,
        IReadOnlyList<LineItem> lines,
        FeeRule? feeRule = null,
        InstallmentPlan? installments = null,
        Instant? expiresAt = null) =>
        new(currency, "xendit", feeRule ?? NoFee, lines, installments, expiresAt, "Test invoice", new Customer("Ana", "ana@example.com", null), "{}");

    public static Invoice Create(InvoiceTerms terms, Instant? now = null) =>
        Invoice.Create(Guid.NewGuid(), Guid.NewGuid(), "ORDER-1001", "card", null, terms, PaymentReference.New(), "token", now ?? CreatedAt);

    /// <summary>An invoice whose total is exactly <paramref name="total"/>: one untaxed line, no fee.</summary>
    public static Invoice WithTotal(Currency currency, long total, InstallmentPlan? installments = null, Instant? expiresAt = null) =>
        Create(Terms(currency, [Line(currency, total)], NoFee, installments, expiresAt));

    public static InstallmentPlan Plan(int count, IReadOnlyList<long>? amounts = null, int? intervalDays = null, IReadOnlyList<Instant>? dueDates = null) =>
        new(count, amounts, intervalDays, dueDates);

    public static Money Idr(long minor) => new(minor, Currency.IDR);

    public static Instant At(int hoursAfterCreation) => CreatedAt + Duration.FromHours(hoursAfterCreation);

    /// <summary>The invoice as the repository would store it; without its line items when <paramref name="withLineItems"/> is false.</summary>
    public static InvoiceSnapshot Snapshot(Invoice invoice, bool withLineItems = true) =>
        new(
            invoice.Id,
            invoice.TenantId,
            invoice.ExternalId,
            invoice.PaymentMethod,
            invoice.ParentInvoiceId,
            invoice.PaymentReference,
            invoice.PaymentToken,
            invoice.Status,
            invoice.Currency,
            invoice.Gateway,
            invoice.FeeRule,
            withLineItems ? invoice.LineItems : null,
            invoice.Totals,
            invoice.Schedule,
            invoice.AmountPaid,
            invoice.Overpayment,
            invoice.Description,
            invoice.Customer,
            invoice.Metadata,
            invoice.CreatedAt,
            invoice.UpdatedAt,
            invoice.ExpiresAt,
            invoice.PaymentInitiatedAt,
            invoice.PaidAt,
            invoice.CancelledAt,
            invoice.ExpiredAt);

    public static PayTrustException Refused(Action action, string code)
    {
        var error = Assert.ThrowsAny<PayTrustException>(action);
        Assert.Equal(code, error.Code);
        return error;
    }

    /// <summary>Sum of a column in 128 bits, so the check itself cannot overflow.</summary>
    public static Int128 Sum<T>(IEnumerable<T> items, Func<T, long> column) =>
        items.Aggregate(Int128.Zero, (sum, item) => sum + column(item));

    /// <summary>round(value × tenThousandths / 10000) half away from zero, for non-negative inputs, in integers only.</summary>
    public static Int128 RoundHalfAway(Int128 value, int tenThousandths) =>
        ((value * tenThousandths * 2) + 10_000) / 20_000;
}
