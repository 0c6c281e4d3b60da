using PayTrust.Domain.Monetary;

namespace PayTrust.Infrastructure.Gateways;

/// <summary>
/// Exact conversion between PayTrust's minor units and the major-unit numbers gateways speak. Decimal only:
/// a double cannot hold 0.1, and a gateway amount off by one unit is a discrepancy.
/// </summary>
internal static class WireAmount
{
    /// <summary>IDR 150000 → 150000; MYR 12345 → 123.45; MYR 10000 → 100.00 (scale = the currency's exponent).</summary>
    public static decimal ToMajor(Money money)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(money.Minor);
        var magnitude = (ulong)money.Minor;
        return new decimal(unchecked((int)(uint)magnitude), unchecked((int)(uint)(magnitude >> 32)), 0, false, (byte)money.Currency.Exponent);
    }

    /// <summary>Minor units of a major amount, or false when the amount has more decimals than the currency has.</summary>
    public static bool TryToMinor(decimal major, Currency currency, out Money money)
    {
        var scaled = major * Pow10(currency.Exponent);
        if (major < 0 || scaled != decimal.Truncate(scaled) || scaled > Money.MaxAmount)
        {
            money = Money.Zero(currency);
            return false;
        }

        money = new Money((long)scaled, currency);
        return true;
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }
}
