using CsCheck;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Tests;

public class MoneyTests
{
    private static readonly Gen<Currency> AnyCurrency = Gen.OneOf(Currency.IDR, Currency.MYR, Currency.USD);

    [Fact]
    public void Amounts_of_one_currency_add_and_subtract_exactly()
    {
        var a = new Money(150_000, Currency.IDR);
        var b = new Money(16_500, Currency.IDR);

        Assert.Equal(new Money(166_500, Currency.IDR), a + b);
        Assert.Equal(new Money(133_500, Currency.IDR), a - b);
        Assert.True(b < a);
    }

    [Fact]
    public void Currency_mismatch_is_always_refused()
    {
        Gen.Select(Gen.Long, Gen.Long, AnyCurrency, AnyCurrency)
            .Where((_, _, left, right) => left != right)
            .Sample((x, y, left, right) =>
            {
                var a = new Money(x, left);
                var b = new Money(y, right);
                Assert.Throws<CurrencyMismatchException>(() => a + b);
                Assert.Throws<CurrencyMismatchException>(() => a - b);
                Assert.Throws<CurrencyMismatchException>(() => a.CompareTo(b));
                var error = Assert.Throws<CurrencyMismatchException>(() => a < b);
                Assert.Equal("currency_mismatch", error.Code);
            });
    }

    [Fact]
    public void Overflow_throws_and_never_wraps()
    {
        Gen.Select(Gen.Long[1, long.MaxValue], Gen.Long[1, long.MaxValue])
            .Sample((x, y) =>
            {
                var a = new Money(x, Currency.USD);
                var b = new Money(y, Currency.USD);
                if ((Int128)x + y > long.MaxValue)
                {
                    Assert.Throws<OverflowException>(() => a + b);
                }
                else
                {
                    Assert.Equal((Int128)x + y, (a + b).Minor);
                }

                var negative = new Money(-x, Currency.USD);
                if ((Int128)(-x) - y < long.MinValue)
                {
                    Assert.Throws<OverflowException>(() => negative - b);
                }
                else
                {
                    Assert.Equal((Int128)(-x) - y, (negative - b).Minor);
                }
            });
    }

    [Fact]
    public void Addition_is_exact_for_every_amount_PayTrust_accepts()
    {
        Gen.Select(Gen.Long[0, Money.MaxAmount], Gen.Long[0, Money.MaxAmount], AnyCurrency)
            .Sample((x, y, currency) =>
                Money.Amount(x, currency) + Money.Amount(y, currency) - Money.Amount(y, currency) == Money.Amount(x, currency));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(Money.MaxAmount + 1)]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    public void Client_amounts_must_be_between_zero_and_ten_to_the_fifteenth(long minor)
    {
        var error = Assert.Throws<PayTrustException>(() => Money.Amount(minor, Currency.IDR));

        Assert.Equal("invalid_amount", error.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Money.MaxAmount)]
    public void Client_amount_bounds_are_inclusive(long minor) =>
        Assert.Equal(minor, Money.Amount(minor, Currency.MYR).Minor);

    [Theory]
    // IDR 150,000 at 11 % VAT: exact.
    [InlineData(150_000, "0.11", 16_500)]
    // USD 10.50 at 5 %: 52.5 cents rounds half away from zero to 53 (banker's rounding would give 52).
    [InlineData(1_050, "0.05", 53)]
    // USD 10.05 at 15 %: 150.75 cents rounds to 151.
    [InlineData(1_005, "0.15", 151)]
    // 2.4999… stays below the midpoint and rounds down.
    [InlineData(24_999, "0.0001", 2)]
    [InlineData(25_000, "0.0001", 3)]
    [InlineData(0, "0.27", 0)]
    public void A_rate_times_an_amount_rounds_half_away_from_zero(long minor, string rate, long expected)
    {
        var tax = TaxRate.Parse(rate).ApplyTo(new Money(minor, Currency.USD));

        Assert.Equal(expected, tax.Minor);
    }

    [Theory]
    [InlineData(2.5, 3)]
    [InlineData(-2.5, -3)]
    [InlineData(3.5, 4)]
    [InlineData(2.4999, 2)]
    [InlineData(-2.4999, -2)]
    public void Rounding_is_half_away_from_zero_on_both_signs(double value, long expected) =>
        Assert.Equal(expected, Rounding.RoundToMinor((decimal)value));

    [Fact]
    public void Rounded_products_are_within_half_a_minor_unit_of_the_exact_product()
    {
        Gen.Select(Gen.Long[0, Money.MaxAmount], Gen.Int[0, 10_000])
            .Sample((minor, basisPoints) =>
            {
                var rate = basisPoints / 10_000m;
                var exact = minor * rate;
                var rounded = new Money(minor, Currency.IDR).MultiplyBy(rate).Minor;
                var distance = Math.Abs(rounded - exact);
                return distance < 0.5m || (distance == 0.5m && rounded > exact);
            });
    }
}
