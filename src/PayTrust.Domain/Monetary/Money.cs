using PayTrust.Domain.Errors;

namespace PayTrust.Domain.Monetary;

/// <summary>
/// An exact amount: a whole number of the currency's minor unit. Arithmetic is checked (overflow throws)
/// and never mixes currencies. Signed, because differences (an underpayment) are money too; amounts that
/// come from clients go through <see cref="Amount"/>, which refuses negatives and absurd magnitudes.
/// </summary>
public readonly record struct Money(long Minor, Currency Currency) : IComparable<Money>
{
    /// <summary>The largest amount PayTrust accepts from outside: 10^15 minor units.</summary>
    public const long MaxAmount = 1_000_000_000_000_000;

    public static Money Zero(Currency currency) => new(0, currency);

    /// <summary>A client-supplied amount: 0 ≤ minor ≤ 10^15, else <c>invalid_amount</c>.</summary>
    public static Money Amount(long minor, Currency currency) =>
        minor is >= 0 and <= MaxAmount
            ? new Money(minor, currency)
            : throw new PayTrustException(
                ErrorKind.InvalidInput,
                "invalid_amount",
                $"Invalid amount: {minor} - must be an integer from 0 to {MaxAmount} in minor units");

    public static Money operator +(Money left, Money right) =>
        new(checked(left.Minor + SameCurrency(left, right).Minor), left.Currency);

    public static Money operator -(Money left, Money right) =>
        new(checked(left.Minor - SameCurrency(left, right).Minor), left.Currency);

    public static bool operator <(Money left, Money right) => left.CompareTo(right) < 0;

    public static bool operator >(Money left, Money right) => left.CompareTo(right) > 0;

    public static bool operator <=(Money left, Money right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Money left, Money right) => left.CompareTo(right) >= 0;

    public Money Add(Money other) => this + other;

    public Money Subtract(Money other) => this - other;

    public int CompareTo(Money other) => Minor.CompareTo(SameCurrency(this, other).Minor);

    /// <summary>This amount times a rate, rounded by PayTrust's one rule (half away from zero).</summary>
    public Money MultiplyBy(decimal rate) => new(Rounding.RoundToMinor(Minor * rate), Currency);

    /// <summary>Splits this amount by the allocation rule; the parts always sum back exactly.</summary>
    public IReadOnlyList<Money> Allocate(IReadOnlyList<long> weights) => InCurrency(Allocation.Split(Minor, weights));

    /// <summary>Splits this amount into <paramref name="parts"/> equal shares, the last absorbing the remainder.</summary>
    public IReadOnlyList<Money> AllocateEvenly(int parts) => InCurrency(Allocation.SplitEvenly(Minor, parts));

    public override string ToString() => $"{Currency.Code} {Minor} (minor units)";

    private Money[] InCurrency(IReadOnlyList<long> parts)
    {
        var currency = Currency;
        return parts.Select(part => new Money(part, currency)).ToArray();
    }

    private static Money SameCurrency(Money left, Money right) =>
        ReferenceEquals(left.Currency, right.Currency)
            ? right
            : throw new CurrencyMismatchException(left.Currency, right.Currency);
}
