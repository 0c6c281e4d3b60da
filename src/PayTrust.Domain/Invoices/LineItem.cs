using PayTrust.Domain.Errors;
using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Invoices;

/// <summary>One line of an invoice: <c>subtotal = quantity × unit_price</c>, <c>tax = round(subtotal × tax_rate)</c> (spec §2).</summary>
public sealed record LineItem
{
    public const int MaxQuantity = 1_000_000;
    public const int MaxProductNameLength = 255;

    public LineItem(Guid id, string productName, int quantity, Money unitPrice, TaxRate taxRate, string? taxCategory, string? countryCode)
    {
        if (string.IsNullOrEmpty(productName) || productName.Length > MaxProductNameLength)
        {
            throw new PayTrustException(ErrorKind.InvalidInput, "invalid_line_item", $"product_name must be 1 to {MaxProductNameLength} characters");
        }

        if (quantity is < 1 or > MaxQuantity)
        {
            throw new PayTrustException(ErrorKind.InvalidInput, "invalid_line_item", $"quantity must be between 1 and {MaxQuantity}");
        }

        if (countryCode is not null && !CountryCodes.IsAssigned(countryCode))
        {
            throw InvalidCountry(countryCode);
        }

        Id = id;
        ProductName = productName;
        Quantity = quantity;
        UnitPrice = Money.Amount(unitPrice.Minor, unitPrice.Currency);
        TaxRate = taxRate;
        TaxCategory = taxCategory;
        CountryCode = countryCode;
        Subtotal = Money.Amount(MultiplyWithinLimit(unitPrice.Minor, quantity), unitPrice.Currency);
        Tax = taxRate.ApplyTo(Subtotal);
    }

    public Guid Id { get; }

    public string ProductName { get; }

    public int Quantity { get; }

    public Money UnitPrice { get; }

    public TaxRate TaxRate { get; }

    public string? TaxCategory { get; }

    public string? CountryCode { get; }

    public Money Subtotal { get; }

    public Money Tax { get; }

    public static PayTrustException InvalidCountry(string code) =>
        new(ErrorKind.InvalidInput, "invalid_country_code", $"Invalid country code: {code} - must be valid ISO 3166-1 alpha-2 code");

    // quantity × unit_price can exceed a long (10^6 × 10^15); refuse it as too large rather than overflow.
    private static long MultiplyWithinLimit(long unitPrice, int quantity)
    {
        var product = (Int128)unitPrice * quantity;
        return product <= Money.MaxAmount
            ? (long)product
            : throw InvoiceTotals.TooLarge("line subtotal (quantity × unit_price)");
    }
}
