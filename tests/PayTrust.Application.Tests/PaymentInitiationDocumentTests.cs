using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NodaTime;
using PayTrust.Application.Features.Invoices;
using PayTrust.Domain.Monetary;
using PayTrust.Testing;

namespace PayTrust.Application.Tests;

/// <summary>The pain.001.001.03 document of spec §4, checked against the official ISO 20022 schema.</summary>
public class PaymentInitiationDocumentTests
{
    private static readonly XNamespace Ns = PaymentInitiationDocument.Namespace;
    private static readonly Guid InvoiceId = Guid.Parse("0f8e3c2a-7b41-4d9e-a5c6-1e2f3a4b5c6d");
    private static readonly Instant CreatedAt = Instant.FromUtc(2026, 11, 24, 10, 0, 0) + Duration.FromMilliseconds(123);
    private static readonly LocalDate FirstDue = new(2026, 12, 1);

    [Theory]
    [InlineData("IDR", 0, 500_000L, "500000")]
    [InlineData("MYR", 2, 123_450L, "1234.50")]
    [InlineData("USD", 2, 5L, "0.05")]
    public void Single_payment_document_is_valid_against_the_schema(string currency, int exponent, long amount, string expected)
    {
        var xml = PaymentInitiationDocument.Build(Input(currency, exponent, [new PaymentInitiationTransfer(null, 1, amount, FirstDue)]));

        AssertValid(xml);
        var doc = XDocument.Parse(xml);
        Assert.Equal("1", Value(doc, "GrpHdr", "NbOfTxs"));
        Assert.Equal(expected, Value(doc, "GrpHdr", "CtrlSum"));
        Assert.Equal(expected, Value(doc, "PmtInf", "CtrlSum"));
        var transfer = Assert.Single(doc.Descendants(Ns + "CdtTrfTxInf"));
        var instructed = transfer.Descendants(Ns + "InstdAmt").Single();
        Assert.Equal(expected, instructed.Value);
        Assert.Equal(currency, (string?)instructed.Attribute("Ccy"));
        Assert.Equal("PT7KQ2MX9RC", transfer.Descendants(Ns + "EndToEndId").Single().Value);
        Assert.Equal("PT7KQ2MX9RC INV-2026-0042", transfer.Descendants(Ns + "Ustrd").Single().Value);
        Assert.Equal("2026-12-01", Value(doc, "PmtInf", "ReqdExctnDt"));
    }

    [Theory]
    [InlineData("IDR", 0)]
    [InlineData("MYR", 2)]
    [InlineData("USD", 2)]
    public void Twelve_installment_document_is_valid_with_exact_amounts_and_totals(string currency, int exponent)
    {
        // Uneven amounts, including a tiny one and one with a trailing zero, so formatting is really exercised.
        long[] amounts = [5, 10, 99, 100, 101, 123_450, 999_999, 1_000_000, 7, 250_000, 1_234_567, 1_000_000_000_000_000];
        var transfers = amounts.Select((a, i) => new PaymentInitiationTransfer(i + 1, 12, a, FirstDue.PlusMonths(i))).ToList();

        var xml = PaymentInitiationDocument.Build(Input(currency, exponent, transfers));

        AssertValid(xml);
        var doc = XDocument.Parse(xml);
        var amountShape = exponent == 0 ? new Regex(@"^[0-9]+$") : new Regex(@"^[0-9]+\.[0-9]{2}$");
        var instructed = doc.Descendants(Ns + "InstdAmt").Select(e => e.Value).ToList();
        Assert.Equal(amounts.Select(a => PaymentInitiationDocument.FormatAmount(a, exponent)), instructed);
        Assert.All(instructed, a => Assert.Matches(amountShape, a));

        Assert.Equal("12", Value(doc, "GrpHdr", "NbOfTxs"));
        Assert.Equal("12", Value(doc, "PmtInf", "NbOfTxs"));
        Assert.Equal(12, doc.Descendants(Ns + "CdtTrfTxInf").Count());

        // CtrlSum must be the exact sum, compared in decimal against the sum of the minor units.
        var expectedSum = amounts.Select(a => (decimal)a).Sum();
        var scale = exponent == 0 ? 1m : 100m;
        foreach (var parent in new[] { "GrpHdr", "PmtInf" })
        {
            var controlSum = Value(doc, parent, "CtrlSum");
            Assert.Matches(amountShape, controlSum);
            Assert.Equal(expectedSum, decimal.Parse(controlSum, CultureInfo.InvariantCulture) * scale);
        }

        // One PmtInf, so its execution date is the earliest due date; each transfer carries its own in Ustrd.
        Assert.Single(doc.Descendants(Ns + "PmtInf"));
        Assert.Equal("2026-12-01", Value(doc, "PmtInf", "ReqdExctnDt"));
        var remittances = doc.Descendants(Ns + "Ustrd").Select(e => e.Value).ToList();
        Assert.Equal("PT7KQ2MX9RC INV-2026-0042 installment 1/12 due 2026-12-01", remittances[0]);
        Assert.Equal("PT7KQ2MX9RC INV-2026-0042 installment 12/12 due 2027-11-01", remittances[11]);
        Assert.Equal(
            Enumerable.Range(1, 12).Select(n => $"PT7KQ2MX9RC-{n}"),
            doc.Descendants(Ns + "EndToEndId").Select(e => e.Value));
    }

    [Fact]
    public void Message_ids_come_from_the_invoice_id_and_the_header_names_the_parties()
    {
        var doc = XDocument.Parse(PaymentInitiationDocument.Build(Single()));

        Assert.Equal("0f8e3c2a7b414d9ea5c61e2f3a4b5c6d", Value(doc, "GrpHdr", "MsgId"));
        var paymentInfoId = Value(doc, "PmtInf", "PmtInfId");
        Assert.StartsWith("PMT-0f8e3c2a7b414d9ea5c61e2f3a4b5", paymentInfoId, StringComparison.Ordinal);
        Assert.True(paymentInfoId.Length <= 35);
        Assert.Equal("2026-11-24T10:00:00Z", Value(doc, "GrpHdr", "CreDtTm"));
        Assert.Equal("TRF", Value(doc, "PmtInf", "PmtMtd"));
        Assert.Equal("Acme Tenant Sdn Bhd", doc.Descendants(Ns + "InitgPty").Single().Element(Ns + "Nm")?.Value);
        Assert.Equal("Acme Tenant Sdn Bhd", doc.Descendants(Ns + "Cdtr").Single().Element(Ns + "Nm")?.Value);
        Assert.Equal("Budi Santoso", doc.Descendants(Ns + "Dbtr").Single().Element(Ns + "Nm")?.Value);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", PaymentInitiationDocument.Build(Single()), StringComparison.Ordinal);
    }

    [Fact]
    public void Debtor_is_NOTPROVIDED_without_a_customer_name_and_the_external_id_part_is_left_out()
    {
        var xml = PaymentInitiationDocument.Build(Single() with { DebtorName = null, ExternalId = null });

        AssertValid(xml);
        var doc = XDocument.Parse(xml);
        Assert.Equal("NOTPROVIDED", doc.Descendants(Ns + "Dbtr").Single().Element(Ns + "Nm")?.Value);
        Assert.Equal("NOTPROVIDED", doc.Descendants(Ns + "DbtrAcct").Descendants(Ns + "Id").Last().Value);
        Assert.Equal("PT7KQ2MX9RC", doc.Descendants(Ns + "Ustrd").Single().Value);
    }

    [Fact]
    public void Overlong_names_and_external_ids_are_cut_to_the_schema_limits_and_still_validate()
    {
        var creditor = new string('C', 300);
        var debtor = new string('D', 139) + "\U0001F600" + "tail"; // a surrogate pair straddling the 140 limit
        var externalId = "EXT\u0001" + new string('x', 252); // 255 characters, one of them not allowed in XML
        var input = Input("MYR", 2, [new PaymentInitiationTransfer(3, 12, 100, FirstDue)]) with
        {
            CreditorName = creditor,
            DebtorName = debtor,
            ExternalId = externalId,
        };

        var xml = PaymentInitiationDocument.Build(input);

        AssertValid(xml);
        var doc = XDocument.Parse(xml);
        Assert.Equal(creditor[..140], doc.Descendants(Ns + "InitgPty").Single().Element(Ns + "Nm")?.Value);
        Assert.Equal(creditor[..140], doc.Descendants(Ns + "Cdtr").Single().Element(Ns + "Nm")?.Value);
        Assert.Equal(new string('D', 139), doc.Descendants(Ns + "Dbtr").Single().Element(Ns + "Nm")?.Value);
        var remittance = doc.Descendants(Ns + "Ustrd").Single().Value;
        Assert.Equal(140, remittance.Length);
        Assert.StartsWith("PT7KQ2MX9RC EXTxxx", remittance, StringComparison.Ordinal);
        Assert.EndsWith(" installment 3/12 due 2026-12-01", remittance, StringComparison.Ordinal); // the due date survives the cut
    }

    [Fact]
    public void The_platform_maximum_fits_the_schema_but_a_19_digit_amount_is_refused()
    {
        var idr = PaymentInitiationDocument.Build(Input("IDR", 0, [new PaymentInitiationTransfer(null, 1, Money.MaxAmount, FirstDue)]));
        AssertValid(idr);
        Assert.Equal("1000000000000000", Value(XDocument.Parse(idr), "GrpHdr", "CtrlSum"));

        // The schema counts significant digits (totalDigits=18): trailing zeros after the point are free.
        var usd = PaymentInitiationDocument.Build(Input("USD", 2, [new PaymentInitiationTransfer(null, 1, 1_000_000_000_000_000_000, FirstDue)]));
        AssertValid(usd);
        Assert.Equal("10000000000000000.00", Value(XDocument.Parse(usd), "GrpHdr", "CtrlSum"));

        // 19 significant digits cannot be carried, so no invalid document is produced.
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            PaymentInitiationDocument.Build(Input("IDR", 0, [new PaymentInitiationTransfer(null, 1, 1_000_000_000_000_000_000, FirstDue)])));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            PaymentInitiationDocument.Build(Input("USD", 2, [new PaymentInitiationTransfer(null, 1, 1_000_000_000_000_000_001, FirstDue)])));
    }

    [Theory]
    [InlineData(0L, 2, "0.00")]
    [InlineData(0L, 0, "0")]
    [InlineData(5L, 2, "0.05")]
    [InlineData(50L, 2, "0.50")]
    [InlineData(123_456L, 2, "1234.56")]
    [InlineData(123_450L, 2, "1234.50")]
    [InlineData(1_000_000L, 0, "1000000")]
    [InlineData(1_000_000_000_000_000L, 2, "10000000000000.00")]
    [InlineData(long.MaxValue, 2, "92233720368547758.07")]
    [InlineData(-5L, 2, "-0.05")]
    public void FormatAmount_writes_exact_major_units_with_the_currency_exponent(long minor, int exponent, string expected) =>
        Assert.Equal(expected, PaymentInitiationDocument.FormatAmount(minor, exponent));

    [Fact]
    public void The_validator_reports_an_unknown_element_a_missing_mandatory_one_and_a_wrong_namespace()
    {
        var valid = PaymentInitiationDocument.Build(Single());
        Assert.Empty(Pain001Schema.Validate(valid));

        var unknown = XDocument.Parse(valid);
        unknown.Descendants(Ns + "GrpHdr").Single().Add(new XElement(Ns + "Surprise", "x"));
        Assert.NotEmpty(Pain001Schema.Validate(unknown.ToString()));

        var missing = XDocument.Parse(valid);
        missing.Descendants(Ns + "GrpHdr").Single().Element(Ns + "NbOfTxs")!.Remove();
        Assert.NotEmpty(Pain001Schema.Validate(missing.ToString()));

        var foreign = valid.Replace(PaymentInitiationDocument.Namespace, "urn:example:not-pain", StringComparison.Ordinal);
        Assert.NotEmpty(Pain001Schema.Validate(foreign));

        Assert.NotEmpty(Pain001Schema.Validate("<Document"));
    }

    private static PaymentInitiationInput Single() =>
        Input("IDR", 0, [new PaymentInitiationTransfer(null, 1, 500_000, FirstDue)]);

    private static PaymentInitiationInput Input(string currency, int exponent, IReadOnlyList<PaymentInitiationTransfer> transfers) =>
        new(InvoiceId, "PT7KQ2MX9RC", "INV-2026-0042", currency, exponent, "Acme Tenant Sdn Bhd", "Budi Santoso", CreatedAt, transfers);

    /// <summary>The value of a direct child of the single <paramref name="parent"/> element.</summary>
    private static string Value(XDocument doc, string parent, string child) =>
        doc.Descendants(Ns + parent).Single().Element(Ns + child)?.Value ?? throw new Xunit.Sdk.XunitException($"No {parent}/{child}");

    private static void AssertValid(string xml)
    {
        var problems = Pain001Schema.Validate(xml);
        Assert.True(problems.Count == 0, $"Not valid against {Pain001Schema.XsdPath}:\n{string.Join('\n', problems)}\n{xml}");
    }
}
