using PayTrust.Domain.Errors;
using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Tests;

public class CurrencyTests
{
    [Theory]
    [InlineData("IDR", 0)]
    [InlineData("MYR", 2)]
    [InlineData("USD", 2)]
    public void Supported_codes_parse_with_their_exponent(string code, int exponent)
    {
        var currency = Currency.Parse(code);

        Assert.Equal(code, currency.Code);
        Assert.Equal(exponent, currency.Exponent);
    }

    [Theory]
    [InlineData("EUR")]
    [InlineData("idr")]
    [InlineData("ID")]
    [InlineData(" IDR")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_or_unsupported_codes_are_refused_with_invalid_currency(string? code)
    {
        var error = Assert.Throws<PayTrustException>(() => Currency.Parse(code));

        Assert.Equal("invalid_currency", error.Code);
        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.Equal($"Invalid currency code: {code} - must be a supported ISO 4217 code (IDR, MYR, USD)", error.Message);
    }

    [Fact]
    public void Parsing_returns_the_single_instance_of_each_currency()
    {
        Assert.Same(Currency.USD, Currency.Parse("USD"));
    }
}
