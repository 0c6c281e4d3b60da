using PayTrust.Domain.Errors;
using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Invoices;

/// <summary>
/// The invoice columns of spec §2: Σ line subtotals, Σ line taxes (tax on goods only, never on fees),
/// the gateway fee on the subtotal, and their sum. Every column stays within 10^15 minor units.
/// </summary>
public sealed record InvoiceTotals(Money Subtotal, Money Tax, Money ServiceFee, Money Total)
{
    public static InvoiceTotals Compute(Currency currency, IReadOnlyList<LineItem> lines, FeeRule feeRule)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(feeRule);
        var subtotal = Money.Zero(currency);
        var tax = Money.Zero(currency);
        foreach (var line in lines)
        {
            subtotal = WithinLimit(subtotal + line.Subtotal, "subtotal_amount");
            tax = WithinLimit(tax + line.Tax, "total_tax_amount");
        }

        var fee = WithinLimit(feeRule.FeeFor(subtotal), "total_service_fee_amount");
        var total = WithinLimit(subtotal + tax + fee, "total_amount");
        return new InvoiceTotals(subtotal, tax, fee, total);
    }

    public static PayTrustException TooLarge(string what) =>
        new(ErrorKind.InvalidInput, "invalid_amount", $"Invalid amount: the {what} exceeds {Money.MaxAmount} minor units");

    private static Money WithinLimit(Money amount, string what) =>
        amount.Minor <= Money.MaxAmount ? amount : throw TooLarge(what);
}
