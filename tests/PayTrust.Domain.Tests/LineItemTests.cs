using CsCheck;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using static PayTrust.Domain.Tests.InvoiceFixtures;

namespace PayTrust.Domain.Tests;

public class LineItemTests
{
    [Theory]
    [InlineData(1_000_000, Money.MaxAmount)]
    [InlineData(1_000_000, 1_000_000_001)]
    [InlineData(2, 500_000_000_000_001)]
    [InlineData(1_000_000, 9_223_372_036_855)] // the product is beyond long.MaxValue
    public void A_line_subtotal_above_ten_to_the_fifteen_is_invalid_amount_not_an_overflow(int quantity, long unitPrice)
    {
        var error = Refused(() => Line(Currency.IDR, unitPrice, quantity), "invalid_amount");

        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
    }

    [Fact]
    public void A_line_subtotal_of_exactly_ten_to_the_fifteen_is_accepted()
    {
        Assert.Equal(Idr(Money.MaxAmount), Line(Currency.IDR, 1_000_000_000, 1_000_000).Subtotal);
        Assert.Equal(Idr(Money.MaxAmount), Line(Currency.IDR, Money.MaxAmount, 1).Subtotal);
    }

    [Fact]
    public void Quantity_times_unit_price_is_exact_or_refused_never_wrapped()
    {
        Gen.Select(Gen.Int[1, LineItem.MaxQuantity], Gen.OneOf(Gen.Long[0, Money.MaxAmount], Gen.Long[0, 1_000_000_000_000]))
            .Sample((quantity, unitPrice) =>
            {
                var exact = (Int128)quantity * unitPrice;
                if (exact > Money.MaxAmount)
                {
                    Refused(() => Line(Currency.USD, unitPrice, quantity), "invalid_amount");
                }
                else
                {
                    Assert.Equal((long)exact, Line(Currency.USD, unitPrice, quantity).Subtotal.Minor);
                }
            });
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(Money.MaxAmount + 1)]
    [InlineData(long.MaxValue)]
    public void A_unit_price_outside_zero_to_ten_to_the_fifteen_is_invalid_amount(long unitPrice)
    {
        Refused(() => Line(Currency.IDR, unitPrice), "invalid_amount");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(1_000_001)]
    public void A_quantity_outside_one_to_a_million_is_refused(int quantity)
    {
        Refused(() => Line(Currency.IDR, 1, quantity), "invalid_line_item");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1_000_000)]
    public void Quantities_of_one_and_a_million_are_accepted(int quantity)
    {
        Assert.Equal(quantity, Line(Currency.IDR, 3, quantity).Quantity);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    public void A_product_name_outside_one_to_255_characters_is_refused(int length)
    {
        Refused(() => _ = new LineItem(Guid.NewGuid(), new string('x', length), 1, Idr(1), TaxRate.Zero, null, null), "invalid_line_item");
    }

    [Fact]
    public void A_product_name_of_255_characters_is_accepted()
    {
        Assert.Equal(255, new LineItem(Guid.NewGuid(), new string('x', 255), 1, Idr(1), TaxRate.Zero, null, null).ProductName.Length);
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("id")]
    [InlineData("Id")]
    [InlineData("IDN")]
    [InlineData("I")]
    [InlineData("")]
    [InlineData(" ID")]
    [InlineData("UK")]
    public void An_invalid_country_code_is_refused_with_the_spec_message(string code)
    {
        var error = Refused(() => Line(Currency.IDR, 1, countryCode: code), "invalid_country_code");

        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.Equal($"Invalid country code: {code} - must be valid ISO 3166-1 alpha-2 code", error.Message);
    }

    [Theory]
    [InlineData("ID")]
    [InlineData("MY")]
    [InlineData("US")]
    [InlineData("GB")]
    [InlineData("SG")]
    public void Assigned_upper_case_country_codes_are_accepted(string code)
    {
        Assert.Equal(code, Line(Currency.IDR, 1, countryCode: code).CountryCode);
    }

    [Fact]
    public void The_country_code_is_optional()
    {
        Assert.Null(Line(Currency.IDR, 1).CountryCode);
    }

    [Fact]
    public void A_line_keeps_what_it_was_given()
    {
        var id = Guid.NewGuid();

        var line = new LineItem(id, "Shoes", 2, Idr(150_000), TaxRate.Parse("0.11"), "VAT", "ID");

        Assert.Equal((id, "Shoes", 2, Idr(150_000), "0.11", "VAT", "ID"), (line.Id, line.ProductName, line.Quantity, line.UnitPrice, line.TaxRate.ToString(), line.TaxCategory, line.CountryCode));
        Assert.Equal((Idr(300_000), Idr(33_000)), (line.Subtotal, line.Tax));
    }
}
