using System.Globalization;
using System.Text;

namespace PayTrust.Bench.Ledger;

/// <summary>
/// Invoice n of the bench ledger, always the same: a random (seeded by n) but plausible invoice, consistent with
/// PayTrust's own rules, so the money invariants hold — totals = subtotal + tax + fee, installments sum to the
/// total, amount_paid = Σ applied payments, overpayment = what exceeds the total, fully_paid ⇔ paid_at. The mix:
/// 70 % fully paid (a few overpaid, a few paid in two parts, a few through three installments), 8 % partially paid
/// installment plans, the rest pending, draft, expired or cancelled. Ids and references grow with n, so the loads
/// append to the indexes instead of scattering; invoice n of N is created at (n + ½)/N of the year.
/// </summary>
internal sealed class LedgerGenerator(Guid tenantId, DateTime ledgerEnd, int count, IReadOnlyDictionary<(string, string), (decimal Percentage, long Fixed)> feeRules)
{
    private static readonly TimeSpan Year = TimeSpan.FromDays(366);

    private static readonly (string Code, decimal[] Rates, long MinPrice, long MaxPrice)[] Currencies =
    [
        ("IDR", [0.11m, 0.11m, 0.12m, 0m], 10_000, 2_000_000),
        ("MYR", [0.06m, 0.08m, 0.1m], 500, 200_000),
        ("USD", [0.0725m, 0.1m, 0.125m, 0m], 100, 100_000),
    ];

    private readonly string _tenant = tenantId.ToString();
    private readonly string _tenantSuffix = tenantId.ToString("N")[..12];

    public void Write(int n, LedgerRows rows)
    {
        var random = new Random(n);
        var created = ledgerEnd - Year + (Year * ((n + 0.5) / count));
        var roll = random.NextDouble();
        var currency = Currencies[roll < 0.6 ? 0 : roll < 0.85 ? 1 : 2];
        string[] gateways = currency.Code == "IDR" ? ["sandbox", "xendit", "midtrans"] : ["sandbox", "xendit"];
        var gateway = gateways[random.Next(gateways.Length)];
        var (feePercentage, feeFixed) = feeRules[(gateway, currency.Code)];

        var id = Id(n, 0, 0);
        var lineCount = random.Next(1, 4);
        long subtotal = 0, tax = 0;
        var taxByRate = new SortedDictionary<decimal, (long Tax, int Lines)>();
        for (var line = 1; line <= lineCount; line++)
        {
            var quantity = random.Next(1, 6);
            var unitPrice = currency.MinPrice + (long)(random.NextDouble() * (currency.MaxPrice - currency.MinPrice));
            var rate = currency.Rates[random.Next(currency.Rates.Length)];
            var lineSubtotal = quantity * unitPrice;
            var lineTax = Round(lineSubtotal * rate);
            subtotal += lineSubtotal;
            tax += lineTax;
            rows.Line(Id(n, line, 1), id, line, quantity, unitPrice, rate, lineSubtotal, lineTax);
            var (rateTax, rateLines) = taxByRate.GetValueOrDefault(rate);
            taxByRate[rate] = (rateTax + lineTax, rateLines + 1);
        }

        var fee = Round(subtotal * feePercentage) + feeFixed;
        var total = subtotal + tax + fee;

        var kind = random.NextDouble();
        var status = kind < 0.70 ? "fully_paid" : kind < 0.78 ? "partially_paid" : kind < 0.88 ? "pending" : kind < 0.93 ? "draft" : kind < 0.97 ? "expired" : "cancelled";
        var installments = status == "partially_paid" || (status == "fully_paid" && random.NextDouble() < 0.05) ? 3 : 0;
        var payments = new List<(long Amount, DateTime At)>();
        DateTime? paidAt = null;
        if (status == "fully_paid")
        {
            var at = Before(created + TimeSpan.FromMinutes(random.Next(1, 72 * 60)));
            var overpayment = random.NextDouble() < 0.03 ? random.Next(1, 10_000) : 0;
            if (installments > 0)
            {
                var shares = Shares(total, installments);
                for (var i = 0; i < installments; i++)
                {
                    payments.Add((shares[i] + (i == installments - 1 ? overpayment : 0), Before(created + TimeSpan.FromDays(30 * i) + TimeSpan.FromMinutes(random.Next(1, 600)))));
                }
            }
            else if (random.NextDouble() < 0.05)
            {
                var first = total / 2;
                payments.Add((first, created + ((at - created) / 2)));
                payments.Add((total - first + overpayment, at));
            }
            else
            {
                payments.Add((total + overpayment, at));
            }

            paidAt = payments[^1].At;
        }
        else if (status == "partially_paid")
        {
            payments.Add((Shares(total, installments)[0], Before(created + TimeSpan.FromMinutes(random.Next(1, 48 * 60)))));
        }

        var amountPaid = payments.Sum(p => p.Amount);
        if (installments > 0)
        {
            var shares = Shares(total, installments);
            var taxes = Shares(tax, installments);
            var fees = Shares(fee, installments);
            var left = amountPaid;
            for (var i = 0; i < installments; i++)
            {
                var applied = Math.Min(left, shares[i]);
                left -= applied;
                DateTime? installmentPaidAt = applied == shares[i] ? payments[Math.Min(i, payments.Count - 1)].At : null;
                rows.Installment(id, i + 1, created + TimeSpan.FromDays(30 * (i + 1)), shares[i], taxes[i], fees[i], applied, installmentPaidAt);
            }
        }

        var expires = created + (installments > 0 ? TimeSpan.FromDays(30 * installments + 1) : TimeSpan.FromDays(1));
        rows.Invoice(
            id, _tenant, status, currency.Code, gateway, feePercentage, feeFixed, subtotal, tax, fee, total, amountPaid, Math.Max(0, amountPaid - total),
            "B" + n.ToString("D10", CultureInfo.InvariantCulture), "benchtoken" + n.ToString("D12", CultureInfo.InvariantCulture), created,
            status is "draft" ? null : created + TimeSpan.FromMinutes(1), paidAt, expires,
            status == "cancelled" ? created + TimeSpan.FromHours(2) : null, status == "expired" ? expires : null);

        // What migration 0009's trigger writes when an invoice becomes fully paid (a bulk load fires no UPDATE trigger).
        if (paidAt is { } paid)
        {
            foreach (var (rate, (rateTax, rateLines)) in taxByRate)
            {
                rows.PaidTax(_tenant, paid, id, rate, currency.Code, gateway, rateTax, rateLines);
            }
        }

        for (var p = 0; p < payments.Count; p++)
        {
            // Four in five through the invoice's gateway (a webhook), the rest recorded by the merchant (bank transfer).
            var merchant = random.NextDouble() < 0.2;
            rows.Payment(Id(n, p, 2), _tenant, id, merchant ? "bank_transfer" : "card_psp", merchant ? null : gateway,
                merchant ? null : $"bt{n}-{p}", merchant ? $"BR{n}-{p}" : null, currency.Code, payments[p].Amount, merchant ? "merchant" : "webhook", payments[p].At);
        }
    }

    /// <summary>Spec §1: half away from zero, to the minor unit.</summary>
    private static long Round(decimal value) => (long)decimal.Round(value, 0, MidpointRounding.AwayFromZero);

    /// <summary>Spec §5 allocation: equal floor shares, the last takes the remainder.</summary>
    private static long[] Shares(long total, int parts) =>
        Enumerable.Range(0, parts).Select(i => i < parts - 1 ? total / parts : total - ((total / parts) * (parts - 1))).ToArray();

    /// <summary>Nothing is paid after the ledger's end: that is "now" for the benchmark.</summary>
    private DateTime Before(DateTime at) => at < ledgerEnd ? at : ledgerEnd - TimeSpan.FromSeconds(1);

    /// <summary>A GUID-shaped id that sorts by invoice number: n in the first group, then the row's number and kind.</summary>
    private string Id(int n, int row, int kind) =>
        string.Create(CultureInfo.InvariantCulture, $"{n:x8}-{row:x4}-7{kind:x3}-8000-{_tenantSuffix}");
}

/// <summary>The tab-separated text of each table, ready for LOAD DATA (\N is NULL).</summary>
internal sealed class LedgerRows
{
    private static readonly string[] InvoiceColumns =
    [
        "id", "tenant_id", "status", "currency_code", "gateway", "fee_percentage", "fee_fixed", "subtotal_amount", "total_tax_amount",
        "total_service_fee_amount", "total_amount", "amount_paid", "overpayment_amount", "payment_reference", "payment_token", "created_at",
        "updated_at", "payment_initiated_at", "paid_at", "expires_at", "cancelled_at", "expired_at",
    ];

    private static readonly string[] LineColumns =
        ["id", "invoice_id", "line_number", "product_name", "quantity", "unit_price", "tax_rate", "subtotal_amount", "tax_amount"];

    private static readonly string[] InstallmentColumns = ["invoice_id", "number", "due_date", "amount", "tax", "service_fee", "amount_paid", "paid_at"];

    private static readonly string[] PaymentColumns =
        ["id", "tenant_id", "invoice_id", "rail", "gateway", "gateway_transaction_id", "reference", "currency_code", "amount", "source", "applied", "paid_at", "recorded_at"];

    private readonly StringBuilder _invoices = new();
    private readonly StringBuilder _lines = new();
    private readonly StringBuilder _installments = new();
    private readonly StringBuilder _payments = new();
    private readonly StringBuilder _paidTaxes = new();

    private static readonly string[] PaidTaxColumns =
        ["tenant_id", "paid_at", "invoice_id", "tax_rate", "currency_code", "gateway", "tax_amount", "line_item_count"];

    public long Invoices { get; private set; }

    public long Lines { get; private set; }

    public long Installments { get; private set; }

    public long Payments { get; private set; }

    public void Add(LedgerRows other)
    {
        Invoices += other.Invoices;
        Lines += other.Lines;
        Installments += other.Installments;
        Payments += other.Payments;
    }

    public IEnumerable<(string Table, IReadOnlyList<string> Columns, StringBuilder Text)> Tables() =>
    [
        ("invoices", InvoiceColumns, _invoices),
        ("invoice_line_items", LineColumns, _lines),
        ("invoice_installments", InstallmentColumns, _installments),
        ("payments", PaymentColumns, _payments),
        ("paid_invoice_taxes", PaidTaxColumns, _paidTaxes),
    ];

    public void PaidTax(string tenant, DateTime paidAt, string invoiceId, decimal rate, string currency, string gateway, long tax, int lines) =>
        Row(_paidTaxes, tenant, paidAt, invoiceId, rate, currency, gateway, tax, lines);

    public void Invoice(
        string id, string tenant, string status, string currency, string gateway, decimal feePercentage, long feeFixed, long subtotal, long tax, long fee,
        long total, long paid, long overpayment, string reference, string token, DateTime created, DateTime? initiated, DateTime? paidAt, DateTime expires,
        DateTime? cancelled, DateTime? expired)
    {
        Invoices++;
        Row(_invoices, id, tenant, status, currency, gateway, feePercentage, feeFixed, subtotal, tax, fee, total, paid, overpayment, reference, token,
            created, paidAt ?? cancelled ?? expired ?? initiated ?? created, initiated, paidAt, expires, cancelled, expired);
    }

    public void Line(string id, string invoiceId, int number, int quantity, long unitPrice, decimal rate, long subtotal, long tax)
    {
        Lines++;
        Row(_lines, id, invoiceId, number, "Item " + number.ToString(CultureInfo.InvariantCulture), quantity, unitPrice, rate, subtotal, tax);
    }

    public void Installment(string invoiceId, int number, DateTime due, long amount, long tax, long fee, long paid, DateTime? paidAt)
    {
        Installments++;
        Row(_installments, invoiceId, number, due, amount, tax, fee, paid, paidAt);
    }

    public void Payment(
        string id, string tenant, string invoiceId, string rail, string? gateway, string? transaction, string? reference, string currency, long amount,
        string source, DateTime at)
    {
        Payments++;
        Row(_payments, id, tenant, invoiceId, rail, gateway, transaction, reference, currency, amount, source, 1, at, at);
    }

    private static void Row(StringBuilder text, params object?[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            text.Append(i == 0 ? "" : "\t").Append(fields[i] switch
            {
                null => "\\N",
                DateTime at => at.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
                IFormattable value => value.ToString(null, CultureInfo.InvariantCulture),
                var other => other.ToString(),
            });
        }

        text.Append('\n');
    }
}
