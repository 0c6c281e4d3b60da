using System.Globalization;
using System.Net;
using System.Text.Json;
using CsvHelper;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using PayTrust.Testing;

namespace PayTrust.Api.Tests.Reports;

/// <summary>The API with a hand-moved clock, so payments land in chosen windows (no background workers).</summary>
public sealed class ReportApiFactory : PayTrustApiFactory
{
    public FakeClock Clock { get; } = new(Instant.FromUtc(2026, 1, 1, 0, 0));

    protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<IClock>(Clock);
}

/// <summary>A report as numbers, read from the JSON or from the CSV, so the two can be compared as values.</summary>
internal sealed record ReportNumbers(
    string CurrencyCode, string Section, string Item, string? TaxRate, long? InvoiceCount, long? LineItemCount, long Amount, long? EntryCount = null);

/// <summary>Requests for reports and the raw ledger rows the tests compute their expectations from.</summary>
internal static class ReportApi
{
    public static string Path(Instant start, Instant end, string? currency = null, string? gateway = null, string? format = null)
    {
        var query = $"/reports/financial?start_date={Uri.EscapeDataString(Iso(start))}&end_date={Uri.EscapeDataString(Iso(end))}";
        query += currency is null ? "" : $"&currency_code={currency}";
        query += gateway is null ? "" : $"&gateway={gateway}";
        return query + (format is null ? "" : $"&format={format}");
    }

    public static string Iso(Instant instant) => NodaTime.Text.InstantPattern.ExtendedIso.Format(instant);

    public static async Task<JsonElement> GetAsync(HttpClient client, Instant start, Instant end, string? currency = null, string? gateway = null) =>
        await HttpAssert.JsonAsync(await client.GetAsync(Path(start, end, currency, gateway)), HttpStatusCode.OK);

    /// <summary>Every number of a JSON report, one entry per figure, in the CSV's shape.</summary>
    public static IReadOnlyList<ReportNumbers> FromJson(JsonElement report)
    {
        var numbers = new List<ReportNumbers>();
        foreach (var currency in report.GetProperty("by_currency").EnumerateArray())
        {
            var code = currency.GetProperty("currency_code").GetString()!;
            var invoices = currency.GetProperty("invoice_count").GetInt64();
            foreach (var field in new[] { "subtotal", "tax", "service_fees", "amount", "overpayment" })
            {
                numbers.Add(new ReportNumbers(code, "summary", field, null, invoices, null, currency.GetProperty(field).GetInt64()));
            }

            foreach (var field in new[] { "collected", "refunded", "net_collected" })
            {
                numbers.Add(new ReportNumbers(code, "summary", field, null, null, null, currency.GetProperty(field).GetInt64()));
            }

            numbers.AddRange(currency.GetProperty("tax_breakdown").EnumerateArray().Select(tax => new ReportNumbers(
                code, "tax", tax.GetProperty("label").GetString()!, tax.GetProperty("tax_rate").GetString(), tax.GetProperty("invoice_count").GetInt64(),
                tax.GetProperty("line_item_count").GetInt64(), tax.GetProperty("amount").GetInt64())));
            numbers.AddRange(currency.GetProperty("gateway_breakdown").EnumerateArray().Select(gateway => new ReportNumbers(
                code, "gateway_fees", gateway.GetProperty("gateway").GetString()!, null, gateway.GetProperty("invoice_count").GetInt64(), null,
                gateway.GetProperty("service_fees").GetInt64())));
            numbers.AddRange(currency.GetProperty("money_out_breakdown").EnumerateArray().Select(moneyOut => new ReportNumbers(
                code, "money_out", moneyOut.GetProperty("kind").GetString()!, null, null, null, moneyOut.GetProperty("amount").GetInt64(),
                moneyOut.GetProperty("count").GetInt64())));
        }

        return numbers;
    }

    /// <summary>The CSV parsed by CsvHelper (RFC 4180); each row's major-unit column must agree with its minor units.</summary>
    public static (IReadOnlyList<string> Header, IReadOnlyList<ReportNumbers> Rows, IReadOnlyList<(string Start, string End)> Periods) FromCsv(string text)
    {
        // Strict: malformed quoting or a row with another number of fields than the header fails the test.
        using var reader = CsvReader.FromText(text, new CsvReaderOptions
        {
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Throw,
        });
        var header = reader.Headers.ToArray();
        var rows = new List<ReportNumbers>();
        var periods = new List<(string, string)>();
        while (reader.Read())
        {
            var currency = reader.GetString("currency_code")!;
            var minor = long.Parse(reader.GetString("amount_minor")!, CultureInfo.InvariantCulture);
            var exponent = currency == "IDR" ? 0 : 2;
            Assert.Equal(minor, decimal.Parse(reader.GetString("amount_major")!, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) * (exponent == 0 ? 1 : 100));
            Assert.Equal(exponent, reader.GetString("amount_major")!.Split('.').ElementAtOrDefault(1)?.Length ?? 0);
            rows.Add(new ReportNumbers(
                currency, reader.GetString("section")!, reader.GetString("item")!, Empty(reader.GetString("tax_rate")),
                Count(reader.GetString("invoice_count")), Count(reader.GetString("line_item_count")), minor, Count(reader.GetString("entry_count"))));
            periods.Add((reader.GetString("period_start")!, reader.GetString("period_end")!));
        }

        return (header, rows, periods);
    }

    private static string? Empty(string? field) => string.IsNullOrEmpty(field) ? null : field;

    private static long? Count(string? field) => string.IsNullOrEmpty(field) ? null : long.Parse(field, CultureInfo.InvariantCulture);

    public static async Task<Ledger> ReadLedgerAsync(TestDatabase database, Guid tenantId)
    {
        await using var connection = await database.OpenAsync();
        // Plain rows, no aggregation: the expectations are computed from these in C#.
        var invoices = (await connection.QueryAsync<LedgerInvoice>(
            """
            SELECT id AS Id, status AS Status, currency_code AS CurrencyCode, gateway AS Gateway, subtotal_amount AS Subtotal,
                   total_tax_amount AS Tax, total_service_fee_amount AS ServiceFees, total_amount AS Total, paid_at AS PaidAt
            FROM invoices WHERE tenant_id = @TenantId
            """, new { TenantId = tenantId })).ToArray();
        var lines = (await connection.QueryAsync<LedgerLine>(
            """
            SELECT l.invoice_id AS InvoiceId, l.tax_rate AS TaxRate, l.tax_amount AS TaxAmount
            FROM invoice_line_items l JOIN invoices i ON i.id = l.invoice_id WHERE i.tenant_id = @TenantId
            """, new { TenantId = tenantId })).ToArray();
        var payments = (await connection.QueryAsync<LedgerPayment>(
            """
            SELECT id AS Id, invoice_id AS InvoiceId, currency_code AS CurrencyCode, amount AS Amount, applied AS Applied, recorded_at AS RecordedAt
            FROM payments WHERE tenant_id = @TenantId
            """, new { TenantId = tenantId })).ToArray();
        var moneyOut = (await connection.QueryAsync<LedgerMoneyOut>(
            """
            SELECT payment_id AS PaymentId, kind AS Kind, gateway AS Gateway, currency_code AS CurrencyCode, amount AS Amount, refunded_at AS RefundedAt
            FROM refunds WHERE tenant_id = @TenantId
            """, new { TenantId = tenantId })).ToArray();
        return new Ledger(invoices, lines, payments, moneyOut);
    }
}

internal sealed record LedgerInvoice(Guid Id, string Status, string CurrencyCode, string Gateway, long Subtotal, long Tax, long ServiceFees, long Total, DateTime? PaidAt);

internal sealed record LedgerLine(Guid InvoiceId, decimal TaxRate, long TaxAmount);

internal sealed record LedgerPayment(Guid Id, Guid InvoiceId, string CurrencyCode, long Amount, bool Applied, DateTime RecordedAt);

internal sealed record LedgerMoneyOut(Guid? PaymentId, string Kind, string Gateway, string CurrencyCode, long Amount, DateTime RefundedAt);

/// <summary>
/// One tenant's raw rows and the report they imply, computed the long way: an invoice counts when it is fully paid
/// with paid_at in [start, end); its overpayment is what its applied payments recorded before the end exceed its total;
/// collected is every applied payment recorded in the window; refunded is every money-out entry against one of the
/// tenant's applied payments whose refunded_at is in the window (of the entry's own gateway under a gateway filter).
/// </summary>
internal sealed record Ledger(
    IReadOnlyList<LedgerInvoice> Invoices, IReadOnlyList<LedgerLine> Lines, IReadOnlyList<LedgerPayment> Payments, IReadOnlyList<LedgerMoneyOut> MoneyOut)
{
    public IReadOnlyList<ReportNumbers> Expected(Instant start, Instant end, string? currency = null, string? gateway = null)
    {
        var from = start.ToDateTimeUtc();
        var to = end.ToDateTimeUtc();
        bool Selected(LedgerInvoice invoice) => (currency is null || invoice.CurrencyCode == currency) && (gateway is null || invoice.Gateway == gateway);
        var invoicesById = Invoices.ToDictionary(invoice => invoice.Id);
        var paid = Invoices.Where(i => Selected(i) && i.Status == "fully_paid" && i.PaidAt >= from && i.PaidAt < to).ToArray();
        var collected = Payments.Where(p => p.Applied && p.RecordedAt >= from && p.RecordedAt < to && Selected(invoicesById[p.InvoiceId])).ToArray();
        var applied = Payments.Where(p => p.Applied).Select(p => p.Id).ToHashSet();
        var moneyOut = MoneyOut.Where(m => m.PaymentId is { } payment && applied.Contains(payment) && m.RefundedAt >= from && m.RefundedAt < to
            && (currency is null || m.CurrencyCode == currency) && (gateway is null || m.Gateway == gateway)).ToArray();
        var numbers = new List<ReportNumbers>();
        foreach (var code in paid.Select(i => i.CurrencyCode).Concat(collected.Select(p => p.CurrencyCode)).Concat(moneyOut.Select(m => m.CurrencyCode))
            .Distinct().Order(StringComparer.Ordinal))
        {
            var mine = paid.Where(i => i.CurrencyCode == code).ToArray();
            long count = mine.Length;
            var overpayment = mine.Sum(i => Math.Max(0, Payments.Where(p => p.InvoiceId == i.Id && p.Applied && p.RecordedAt < to).Sum(p => p.Amount) - i.Total));
            numbers.Add(new ReportNumbers(code, "summary", "subtotal", null, count, null, mine.Sum(i => i.Subtotal)));
            numbers.Add(new ReportNumbers(code, "summary", "tax", null, count, null, mine.Sum(i => i.Tax)));
            numbers.Add(new ReportNumbers(code, "summary", "service_fees", null, count, null, mine.Sum(i => i.ServiceFees)));
            numbers.Add(new ReportNumbers(code, "summary", "amount", null, count, null, mine.Sum(i => i.Total)));
            numbers.Add(new ReportNumbers(code, "summary", "overpayment", null, count, null, overpayment));
            var cash = collected.Where(p => p.CurrencyCode == code).Sum(p => p.Amount);
            var returned = moneyOut.Where(m => m.CurrencyCode == code).ToArray();
            numbers.Add(new ReportNumbers(code, "summary", "collected", null, null, null, cash));
            numbers.Add(new ReportNumbers(code, "summary", "refunded", null, null, null, returned.Sum(m => m.Amount)));
            numbers.Add(new ReportNumbers(code, "summary", "net_collected", null, null, null, cash - returned.Sum(m => m.Amount)));
            var ids = mine.Select(i => i.Id).ToHashSet();
            numbers.AddRange(Lines.Where(l => ids.Contains(l.InvoiceId)).GroupBy(l => l.TaxRate).OrderBy(g => g.Key).Select(g => new ReportNumbers(
                code, "tax", $"{code}_{(g.Key * 100).ToString("0.##", CultureInfo.InvariantCulture)}%", g.Key.ToString("0.####", CultureInfo.InvariantCulture),
                g.Select(l => l.InvoiceId).Distinct().Count(), g.Count(), g.Sum(l => l.TaxAmount))));
            numbers.AddRange(mine.GroupBy(i => i.Gateway).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new ReportNumbers(
                code, "gateway_fees", g.Key, null, g.Count(), null, g.Sum(i => i.ServiceFees))));
            numbers.AddRange(returned.GroupBy(m => m.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new ReportNumbers(
                code, "money_out", g.Key, null, null, null, g.Sum(m => m.Amount), g.Count())));
        }

        return numbers;
    }
}
