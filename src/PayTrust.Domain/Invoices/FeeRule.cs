using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Invoices;

/// <summary>
/// A gateway's fee rule for one currency, copied onto the invoice at creation and never changed
/// afterwards: <c>fee = round(subtotal × percentage) + fixed</c> (spec §2).
/// </summary>
public sealed record FeeRule(decimal Percentage, long FixedMinor)
{
    public Money FeeFor(Money subtotal) => subtotal.MultiplyBy(Percentage) + new Money(FixedMinor, subtotal.Currency);
}
