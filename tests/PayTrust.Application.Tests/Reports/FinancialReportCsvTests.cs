using System.Globalization;
using CsCheck;
using NodaTime;
using PayTrust.Application.Features.Reports;
using PayTrust.Domain.Monetary;

namespace PayTrust.Application.Tests.Reports;

/// <summary>The report's labels, period parsing and CSV writer, for any values (property-based, CsCheck).</summary>
public class FinancialReportCsvTests
{
    private static readonly Gen<string> CurrencyCode = Gen.OneOf("IDR", "MYR", "USD");

    private static readonly Gen<long> Amount = Gen.Long[0, Money.MaxAmount];

    private static readonly Gen<CurrencyReport> Currency =
        from code in CurrencyCode
        from amounts in Amount.Array[7]
        from invoices in Gen.Long[0, 1_000_000]
        from taxes in Gen.Select(Gen.Int[0, 10_000], Amount, Gen.Long[1, 1000], Gen.Long[1, 1000]).Array[0, 5]
        from gateways in Gen.Select(Gen.OneOf("sandbox", "xendit", "midtrans"), Amount, Gen.Long[1, 1000]).Array[0, 3]
        from moneyOut in Gen.Select(Gen.OneOf("refund", "chargeback", "reversal"), Amount, Gen.Long[1, 1000]).Array[0, 3]
        let refunded = moneyOut.Sum(m => m.Item2)
        select new CurrencyReport(
            code, invoices, amounts[0], amounts[1], amounts[2], amounts[3], amounts[4], amounts[5], refunded, amounts[5] - refunded,
            taxes.Select(t => new TaxRateLine(TaxRate.Of(t.Item1 / 10_000m).ToString(), TaxRateLine.LabelOf(code, t.Item1 / 10_000m), t.Item2, t.Item3, t.Item4)).ToArray(),
            gateways.Select(g => new GatewayLine(g.Item1, g.Item2, g.Item3)).ToArray(),
            moneyOut.Select(m => new MoneyOutLine(m.Item1, m.Item2, m.Item3)).ToArray());

    [Fact]
    public void A_label_is_the_currency_and_the_exact_rate_in_percent() =>
        Gen.Select(CurrencyCode, Gen.Int[0, 10_000]).Sample((code, basisPoints) =>
        {
            var rate = basisPoints / 10_000m;
            var label = TaxRateLine.LabelOf(code, rate);

            Assert.StartsWith(code + "_", label, StringComparison.Ordinal);
            Assert.EndsWith("%", label, StringComparison.Ordinal);
            var percent = label[4..^1];
            Assert.Equal(rate * 100, decimal.Parse(percent, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));
            Assert.False(percent.Contains('.', StringComparison.Ordinal) && percent.EndsWith('0'), $"{label} is not in its shortest form");
        });

    [Theory]
    [InlineData("IDR", "0.11", "IDR_11%")]
    [InlineData("USD", "0.125", "USD_12.5%")]
    [InlineData("MYR", "0.0725", "MYR_7.25%")]
    [InlineData("IDR", "0", "IDR_0%")]
    [InlineData("USD", "1", "USD_100%")]
    public void Labels_read_as_finance_writes_them(string code, string rate, string label) =>
        Assert.Equal(label, TaxRateLine.LabelOf(code, decimal.Parse(rate, CultureInfo.InvariantCulture)));

    [Fact]
    public void Every_csv_row_carries_one_figure_in_minor_and_exact_major_units() =>
        Currency.Array[0, 3].Sample(currencies =>
        {
            var report = new FinancialReport(
                new FinancialReportPeriod(Instant.FromUtc(2026, 11, 1, 0, 0), Instant.FromUtc(2026, 12, 1, 0, 0)), currencies);

            var lines = FinancialReportCsv.Write(report).Split("\r\n");

            Assert.Equal("", lines[^1]);
            Assert.Equal(string.Join(",", FinancialReportCsv.Columns), lines[0]);
            var rows = lines[1..^1].Select(line => line.Split(',')).ToArray();
            Assert.Equal(currencies.Sum(c => 8 + c.TaxBreakdown.Count + c.GatewayBreakdown.Count + c.MoneyOutBreakdown.Count), rows.Length);
            Assert.All(rows, row =>
            {
                Assert.Equal(FinancialReportCsv.Columns.Count, row.Length);
                Assert.Equal(("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"), (row[0], row[1]));
                var exponent = Domain.Monetary.Currency.Parse(row[2]).Exponent;
                var minor = long.Parse(row[8], CultureInfo.InvariantCulture);
                // net_collected is negative when more went back than came in: a leading minus, never parentheses.
                Assert.Equal(minor, decimal.Parse(row[9], NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) * (exponent == 0 ? 1 : 100));
                Assert.Equal(exponent, row[9].Split('.').ElementAtOrDefault(1)?.Length ?? 0);
                // Only money-out rows count entries.
                Assert.Equal(row[3] == FinancialReportCsv.MoneyOut, row[10].Length > 0);
            });
            var expected = currencies.SelectMany(c => new[] { c.Subtotal, c.Tax, c.ServiceFees, c.Amount, c.Overpayment, c.Collected, c.Refunded, c.NetCollected }
                .Concat(c.TaxBreakdown.Select(t => t.Amount)).Concat(c.GatewayBreakdown.Select(g => g.ServiceFees)).Concat(c.MoneyOutBreakdown.Select(m => m.Amount)));
            Assert.Equal(expected, rows.Select(row => long.Parse(row[8], CultureInfo.InvariantCulture)));
            Assert.Equal(
                currencies.SelectMany(c => c.MoneyOutBreakdown.Select(m => (c.CurrencyCode, m.Kind, m.Count))),
                rows.Where(row => row[3] == FinancialReportCsv.MoneyOut).Select(row => (row[2], row[4], long.Parse(row[10], CultureInfo.InvariantCulture))));
        });

    [Theory]
    [InlineData("2026-11-01", "2026-11-01T00:00:00Z")]
    [InlineData("2026-11-01T07:00:00+07:00", "2026-11-01T00:00:00Z")]
    [InlineData("2026-11-01T00:00Z", "2026-11-01T00:00:00Z")]
    [InlineData("2026-11-01T00:00:00.0000019Z", "2026-11-01T00:00:00.000001Z")]
    public void Period_bounds_are_iso_8601_dates_or_offset_date_times(string text, string instant) =>
        Assert.Equal(instant, ReportPeriod.Format(ReportPeriod.Parse(text)!.Value));

    [Theory]
    [InlineData("")]
    [InlineData("2026-11-01T00:00:00")]
    [InlineData("2026-02-30")]
    [InlineData("1 Nov 2026")]
    [InlineData("2026-11-01 00:00:00Z")]
    public void Anything_else_is_not_a_bound(string text) => Assert.Null(ReportPeriod.Parse(text));
}
