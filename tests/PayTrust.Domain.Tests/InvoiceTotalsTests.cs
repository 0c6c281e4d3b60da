using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using static PayTrust.Domain.Tests.InvoiceFixtures;

namespace PayTrust.Domain.Tests;

/// <summary>Worked examples of spec §1 rounding and §2 totals.</summary>
public class InvoiceTotalsTests
{
    private static Money Usd(long cents) => new(cents, Currency.USD);

    [Fact]
    public void The_spec_example_two_pairs_of_shoes_at_eleven_percent()
    {
        var totals = InvoiceTotals.Compute(Currency.IDR, [Line(Currency.IDR, 150_000, 2, 0.11m)], new FeeRule(0.029m, 2_000));

        Assert.Equal(Idr(300_000), totals.Subtotal);
        Assert.Equal(Idr(33_000), totals.Tax);
        Assert.Equal(Idr(8_700 + 2_000), totals.ServiceFee);
        Assert.Equal(Idr(300_000 + 33_000 + 10_700), totals.Total);
    }

    [Theory]
    [InlineData(250, "0.11", 28)] // 27.5 → 28
    [InlineData(5, "0.1", 1)] // 0.5 → 1 (banker's rounding would give 0)
    [InlineData(25, "0.1", 3)] // 2.5 → 3 (banker's rounding would give 2)
    [InlineData(1_050, "0.01", 11)] // 10.5 → 11 (banker's rounding would give 10)
    [InlineData(1_050, "0.1", 105)] // exact
    [InlineData(249, "0.11", 27)] // 27.39 → 27
    [InlineData(4, "0.1", 0)] // 0.4 → 0
    [InlineData(1, "1", 1)]
    [InlineData(999_999, "0", 0)]
    public void A_line_tax_is_rounded_half_away_from_zero(long subtotalCents, string rate, long expectedTax)
    {
        var line = new LineItem(Guid.NewGuid(), "Item", 1, Usd(subtotalCents), TaxRate.Parse(rate), null, null);

        Assert.Equal(Usd(subtotalCents), line.Subtotal);
        Assert.Equal(Usd(expectedTax), line.Tax);
    }

    [Theory]
    [InlineData(250, "0.01", 0, 3)] // 2.5 → 3 (banker's would give 2)
    [InlineData(250, "0.01", 30, 33)]
    [InlineData(50, "0.01", 0, 1)] // 0.5 → 1
    [InlineData(1_000, "0.029", 2_000, 2_029)]
    [InlineData(0, "0.05", 500, 500)]
    public void The_service_fee_is_the_rounded_percentage_of_the_subtotal_plus_the_fixed_part(long subtotalCents, string percentage, long fixedCents, long expectedFee)
    {
        var totals = InvoiceTotals.Compute(Currency.USD, [Line(Currency.USD, subtotalCents)], new FeeRule(decimal.Parse(percentage, System.Globalization.CultureInfo.InvariantCulture), fixedCents));

        Assert.Equal(Usd(expectedFee), totals.ServiceFee);
        Assert.Equal(Usd(subtotalCents + expectedFee), totals.Total);
    }

    [Fact]
    public void A_usd_invoice_rounds_tax_and_fee_half_away_from_zero()
    {
        // 250 cents: tax 27.5 → 28, fee 2.5 → 3 plus 30 fixed.
        var totals = InvoiceTotals.Compute(Currency.USD, [Line(Currency.USD, 250, 1, 0.11m)], new FeeRule(0.01m, 30));

        Assert.Equal((Usd(250), Usd(28), Usd(33), Usd(311)), (totals.Subtotal, totals.Tax, totals.ServiceFee, totals.Total));
    }

    [Fact]
    public void Tax_is_rounded_per_line_and_then_summed()
    {
        // Two lines of 5 cents at 10%: each 0.5 → 1, so the invoice tax is 2 (not round(10 × 0.1) = 1).
        var totals = InvoiceTotals.Compute(Currency.USD, [Line(Currency.USD, 5, 1, 0.1m), Line(Currency.USD, 5, 1, 0.1m)], NoFee);

        Assert.Equal(Usd(10), totals.Subtotal);
        Assert.Equal(Usd(2), totals.Tax);
    }

    [Fact]
    public void Tax_is_on_goods_only_never_on_the_fee()
    {
        var lines = new[] { Line(Currency.MYR, 10_000, 3, 0.06m) };

        var withoutFee = InvoiceTotals.Compute(Currency.MYR, lines, NoFee);
        var withFee = InvoiceTotals.Compute(Currency.MYR, lines, new FeeRule(0.5m, 99_999));

        Assert.Equal(new Money(1_800, Currency.MYR), withoutFee.Tax);
        Assert.Equal(withoutFee.Tax, withFee.Tax);
        Assert.Equal(new Money(15_000 + 99_999, Currency.MYR), withFee.ServiceFee);
    }

    [Fact]
    public void Computing_the_totals_twice_gives_the_same_answer()
    {
        var lines = new[] { Line(Currency.USD, 1_999, 7, 0.0725m), Line(Currency.USD, 1, 1_000_000, 0.27m) };
        var fee = new FeeRule(0.034m, 50);

        Assert.Equal(InvoiceTotals.Compute(Currency.USD, lines, fee), InvoiceTotals.Compute(Currency.USD, lines, fee));
    }

    [Fact]
    public void A_total_of_exactly_ten_to_the_fifteen_is_accepted()
    {
        var totals = InvoiceTotals.Compute(Currency.IDR, [Line(Currency.IDR, 1_000_000_000, 1_000_000)], NoFee);

        Assert.Equal(Idr(Money.MaxAmount), totals.Total);
    }

    [Fact]
    public void A_total_above_ten_to_the_fifteen_is_refused_with_invalid_amount()
    {
        var lines = new[] { Line(Currency.IDR, 1_000_000_000, 1_000_000, 0.0001m) };

        var error = Refused(() => InvoiceTotals.Compute(Currency.IDR, lines, NoFee), "invalid_amount");
        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Refused(() => InvoiceTotals.Compute(Currency.IDR, [Line(Currency.IDR, Money.MaxAmount)], new FeeRule(0m, 1)), "invalid_amount");
        Refused(() => Create(Terms(Currency.IDR, lines)), "invalid_amount");
    }

    [Fact]
    public void Many_lines_whose_subtotals_together_exceed_ten_to_the_fifteen_are_refused_with_invalid_amount()
    {
        var lines = Enumerable.Range(0, 100).Select(_ => Line(Currency.USD, 1_000_000_000, 1_000_000)).ToArray();

        Refused(() => InvoiceTotals.Compute(Currency.USD, lines, NoFee), "invalid_amount");
    }

    [Fact]
    public void An_invoice_needs_one_to_a_hundred_lines()
    {
        Refused(() => Create(Terms(Currency.IDR, [])), "invalid_line_items");
        Refused(() => Create(Terms(Currency.IDR, Enumerable.Range(0, 101).Select(_ => Line(Currency.IDR, 1)).ToArray())), "invalid_line_items");
        Assert.Equal(Idr(100), Create(Terms(Currency.IDR, Enumerable.Range(0, 100).Select(_ => Line(Currency.IDR, 1)).ToArray())).Totals.Total);
    }

    [Fact]
    public void A_line_priced_in_another_currency_is_refused()
    {
        Assert.Throws<CurrencyMismatchException>(() => Create(Terms(Currency.IDR, [Line(Currency.IDR, 1), Line(Currency.USD, 1)])));
    }

    [Fact]
    public void The_fee_rule_is_copied_onto_the_invoice()
    {
        var fee = new FeeRule(0.029m, 2_000);

        var invoice = Create(Terms(Currency.IDR, [Line(Currency.IDR, 100_000)], fee));

        Assert.Equal(fee, invoice.FeeRule);
        Assert.Equal(Idr(2_900 + 2_000), invoice.Totals.ServiceFee);
    }
}
