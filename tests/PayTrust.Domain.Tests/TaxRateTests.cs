using CsCheck;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Tests;

public class TaxRateTests
{
    [Theory]
    [InlineData("0.11", "0.11")]
    [InlineData("0", "0")]
    [InlineData("1", "1")]
    [InlineData("1.0000", "1")]
    [InlineData("0.0725", "0.0725")]
    [InlineData("0.110", "0.11")]
    public void Valid_rates_parse_exactly(string text, string canonical) =>
        Assert.Equal(canonical, TaxRate.Parse(text).ToString());

    [Theory]
    [InlineData("1.0001")]
    [InlineData("-0.1")]
    [InlineData("0.12345")]
    [InlineData("1e-2")]
    [InlineData(" 0.1")]
    [InlineData("0,11")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData(null)]
    public void Invalid_rates_are_refused_with_invalid_tax_rate(string? text)
    {
        var error = Assert.Throws<PayTrustException>(() => TaxRate.Parse(text));

        Assert.Equal("invalid_tax_rate", error.Code);
        Assert.Equal("Invalid tax_rate: must be between 0 and 1.0 with max 4 decimal places", error.Message);
    }

    [Fact]
    public void Every_four_place_rate_round_trips_through_text()
    {
        Gen.Int[0, 10_000].Sample(basisPoints =>
        {
            var rate = TaxRate.Of(basisPoints / 10_000m);
            return TaxRate.Parse(rate.ToString()) == rate && rate.Value * 10_000m == basisPoints;
        });
    }

    [Fact]
    public void Rates_above_27_percent_are_flagged_as_high_but_accepted()
    {
        Assert.False(TaxRate.Parse("0.27").IsHigh);
        Assert.True(TaxRate.Parse("0.2701").IsHigh);
    }
}
