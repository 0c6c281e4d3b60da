using System.Globalization;
using System.Text;
using PayTrust.Application.Features.Invoices;
using PayTrust.Domain.Monetary;

namespace PayTrust.Application.Features.Reports;

/// <summary>
/// The financial report as CSV (RFC 4180: comma-separated, CRLF line ends, a header row, fields quoted when they
/// hold a comma, quote or line break). One row per currency × figure: the currency's totals (<c>summary</c>, one row
/// per JSON field), then each tax rate (<c>tax</c>), each gateway's service fees (<c>gateway_fees</c>) and each kind
/// of money out (<c>money_out</c>, with its number of entries in <c>entry_count</c>, the last column so that the
/// columns before it keep their places).
/// Every amount is an integer in minor units plus the same amount in major units ("1500.00"), so a spreadsheet
/// needs no knowledge of currency exponents and a program loses nothing. Column layout: ADR 16.
/// </summary>
public static class FinancialReportCsv
{
    public const string ContentType = "text/csv";

    public static readonly IReadOnlyList<string> Columns =
    [
        "period_start", "period_end", "currency_code", "section", "item", "tax_rate",
        "invoice_count", "line_item_count", "amount_minor", "amount_major", "entry_count",
    ];

    public const string Summary = "summary";
    public const string Tax = "tax";
    public const string GatewayFees = "gateway_fees";
    public const string MoneyOut = "money_out";

    public static string Write(FinancialReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder();
        Row(csv, Columns);
        var start = ReportPeriod.Format(report.Period.StartDate);
        var end = ReportPeriod.Format(report.Period.EndDate);
        foreach (var currency in report.ByCurrency)
        {
            var exponent = Currency.Parse(currency.CurrencyCode).Exponent;
            void Line(string section, string item, string? taxRate, long? invoices, long? lines, long amount, long? entries = null) => Row(csv,
            [
                start, end, currency.CurrencyCode, section, item, taxRate, Count(invoices), Count(lines),
                amount.ToString(CultureInfo.InvariantCulture), PaymentInitiationDocument.FormatAmount(amount, exponent), Count(entries),
            ]);

            // The names are the JSON fields', so a row maps back to by_currency[].<item>.
            Line(Summary, "subtotal", null, currency.InvoiceCount, null, currency.Subtotal);
            Line(Summary, "tax", null, currency.InvoiceCount, null, currency.Tax);
            Line(Summary, "service_fees", null, currency.InvoiceCount, null, currency.ServiceFees);
            Line(Summary, "amount", null, currency.InvoiceCount, null, currency.Amount);
            Line(Summary, "overpayment", null, currency.InvoiceCount, null, currency.Overpayment);
            // Cash applied in the window is not a figure of those invoices, so it counts none.
            Line(Summary, "collected", null, null, null, currency.Collected);
            Line(Summary, "refunded", null, null, null, currency.Refunded);
            Line(Summary, "net_collected", null, null, null, currency.NetCollected);
            foreach (var tax in currency.TaxBreakdown)
            {
                Line(Tax, tax.Label, tax.TaxRate, tax.InvoiceCount, tax.LineItemCount, tax.Amount);
            }

            foreach (var gateway in currency.GatewayBreakdown)
            {
                Line(GatewayFees, gateway.Gateway, null, gateway.InvoiceCount, null, gateway.ServiceFees);
            }

            foreach (var moneyOut in currency.MoneyOutBreakdown)
            {
                Line(MoneyOut, moneyOut.Kind, null, null, null, moneyOut.Amount, moneyOut.Count);
            }
        }

        return csv.ToString();
    }

    private static string? Count(long? count) => count?.ToString(CultureInfo.InvariantCulture);

    private static void Row(StringBuilder csv, IReadOnlyList<string?> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                csv.Append(',');
            }

            csv.Append(Field(fields[i] ?? ""));
        }

        csv.Append("\r\n");
    }

    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
