using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using NodaTime;
using NodaTime.Text;

namespace PayTrust.Application.Features.Invoices;

/// <summary>What a pain.001 document for one invoice is built from (spec §4 GET /invoices/{id}/payment-initiation).</summary>
public sealed record PaymentInitiationInput(
    Guid InvoiceId,
    string PaymentReference,
    string? ExternalId,
    string CurrencyCode,
    int CurrencyExponent,
    string CreditorName,
    string? DebtorName,
    Instant CreatedAt,
    IReadOnlyList<PaymentInitiationTransfer> Transfers);

/// <summary>One credit transfer. InstallmentNumber null = the whole invoice in one transfer; InstallmentCount is the schedule size (1 for a single payment).</summary>
public sealed record PaymentInitiationTransfer(int? InstallmentNumber, int InstallmentCount, long AmountMinor, LocalDate RequestedExecutionDate);

/// <summary>
/// Builds the ISO 20022 pain.001.001.03 CustomerCreditTransferInitiation for an invoice: one group header,
/// one payment information block (debtor = the customer), one credit transfer per installment (creditor = the tenant).
/// Every length and digit limit below comes from the official XSD; the tests validate the output against it.
/// </summary>
public static class PaymentInitiationDocument
{
    public const string Namespace = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03";

    /// <summary>The EPC convention for a mandatory party/account/agent element whose value we do not know.</summary>
    private const string NotProvided = "NOTPROVIDED";

    // Max35Text (ids), Max140Text (names, Ustrd), and totalDigits=18 on both amount types of the schema.
    private const int Max35 = 35;
    private const int Max140 = 140;
    private const int MaxTotalDigits = 18;

    private static readonly XNamespace Ns = Namespace;

    public static string Build(PaymentInitiationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrWhiteSpace(input.PaymentReference);
        if (input.Transfers.Count == 0)
        {
            // The schema requires at least one CdtTrfTxInf per PmtInf.
            throw new ArgumentException("A payment initiation needs at least one transfer.", nameof(input));
        }

        var exponent = input.CurrencyExponent;
        var total = 0m; // decimal: a sum of up to 12 longs cannot overflow it
        foreach (var transfer in input.Transfers)
        {
            // The amount type has minInclusive 0; a negative transfer is a caller bug, not a customer error.
            ArgumentOutOfRangeException.ThrowIfNegative(transfer.AmountMinor);
            total += transfer.AmountMinor;
        }

        var count = input.Transfers.Count.ToString(CultureInfo.InvariantCulture);
        var controlSum = SchemaAmount(total, exponent);
        var messageId = input.InvoiceId.ToString("N", CultureInfo.InvariantCulture); // 32 hex digits: fits Max35Text
        var creditorName = Name(input.CreditorName);

        // pain.001.001.03 has ReqdExctnDt only on PmtInf and we emit one PmtInf, so it carries the earliest
        // due date; each transfer states its own due date in its remittance text.
        var earliest = input.Transfers.Min(t => t.RequestedExecutionDate);

        var document = new XDocument(
            new XDeclaration("1.0", "utf-8", null),
            new XElement(Ns + "Document",
                new XElement(Ns + "CstmrCdtTrfInitn",
                    new XElement(Ns + "GrpHdr",
                        new XElement(Ns + "MsgId", messageId),
                        new XElement(Ns + "CreDtTm", InstantPattern.General.Format(input.CreatedAt)), // UTC, whole seconds, "Z"
                        new XElement(Ns + "NbOfTxs", count),
                        new XElement(Ns + "CtrlSum", controlSum),
                        new XElement(Ns + "InitgPty", new XElement(Ns + "Nm", creditorName))),
                    new XElement(Ns + "PmtInf",
                        new XElement(Ns + "PmtInfId", "PMT-" + messageId[..31]), // 4 + 31 = Max35Text
                        new XElement(Ns + "PmtMtd", "TRF"),
                        new XElement(Ns + "NbOfTxs", count),
                        new XElement(Ns + "CtrlSum", controlSum),
                        new XElement(Ns + "ReqdExctnDt", LocalDatePattern.Iso.Format(earliest)),
                        new XElement(Ns + "Dbtr", new XElement(Ns + "Nm", Name(input.DebtorName))),
                        // DbtrAcct and DbtrAgt are mandatory; the customer's bank is unknown to us.
                        new XElement(Ns + "DbtrAcct", new XElement(Ns + "Id", Other(NotProvided))),
                        new XElement(Ns + "DbtrAgt", new XElement(Ns + "FinInstnId", Other(NotProvided))),
                        input.Transfers.Select(t => Transfer(input, t, creditorName))))));

        // Write through a UTF-8 stream so the declaration says utf-8 (a StringWriter would say utf-16).
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            document.Save(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Minor units as decimal major units with exactly <paramref name="exponent"/> decimals: (500000, 0) → "500000", (123450, 2) → "1234.50".</summary>
    public static string FormatAmount(long minor, int exponent) => Format(minor, exponent);

    private static XElement Transfer(PaymentInitiationInput input, PaymentInitiationTransfer transfer, string creditorName)
    {
        var n = transfer.InstallmentNumber;
        var endToEndSuffix = n is { } number ? "-" + number.ToString(CultureInfo.InvariantCulture) : "";

        // The installment part carries the due date (see ReqdExctnDt above), so when the text is too long
        // it is the reference/external id part that gets cut, never the tail.
        var head = input.ExternalId is null ? input.PaymentReference : $"{input.PaymentReference} {input.ExternalId}";
        var tail = n is null
            ? ""
            : string.Create(CultureInfo.InvariantCulture, $" installment {n}/{transfer.InstallmentCount} due {LocalDatePattern.Iso.Format(transfer.RequestedExecutionDate)}");

        return new XElement(Ns + "CdtTrfTxInf",
            new XElement(Ns + "PmtId", new XElement(Ns + "EndToEndId", Text(input.PaymentReference, Max35 - endToEndSuffix.Length) + endToEndSuffix)),
            new XElement(Ns + "Amt",
                new XElement(Ns + "InstdAmt", new XAttribute("Ccy", input.CurrencyCode), SchemaAmount(transfer.AmountMinor, input.CurrencyExponent))),
            new XElement(Ns + "Cdtr", new XElement(Ns + "Nm", creditorName)),
            new XElement(Ns + "RmtInf", new XElement(Ns + "Ustrd", Text(head, Max140 - tail.Length) + tail)));
    }

    /// <summary>GenericAccountIdentification1 / GenericFinancialIdentification1: Othr/Id.</summary>
    private static XElement Other(string id) => new(Ns + "Othr", new XElement(Ns + "Id", id));

    /// <summary>A Max140Text name; Nm has minLength 1, so a missing or blank name is NOTPROVIDED.</summary>
    private static string Name(string? name)
    {
        var text = Text(name ?? "", Max140);
        return string.IsNullOrWhiteSpace(text) ? NotProvided : text;
    }

    /// <summary>
    /// Drops characters XML cannot carry (a control character in a customer name would make the writer throw)
    /// and cuts to <paramref name="max"/> UTF-16 units without splitting a surrogate pair. The .NET validator
    /// counts UTF-16 units, the XSD counts code points; cutting by units satisfies both.
    /// </summary>
    private static string Text(string value, int max)
    {
        var clean = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (i + 1 < value.Length && XmlConvert.IsXmlSurrogatePair(value[i + 1], value[i]))
            {
                clean.Append(value, i++, 2);
            }
            else if (XmlConvert.IsXmlChar(value[i]))
            {
                clean.Append(value[i]);
            }
        }

        if (clean.Length <= max)
        {
            return clean.ToString();
        }

        var cut = char.IsHighSurrogate(clean[max - 1]) ? max - 1 : max;
        return clean.ToString(0, cut);
    }

    /// <summary>
    /// An amount the schema accepts: InstdAmt and CtrlSum allow at most 18 significant digits. Invoice amounts
    /// (at most Money.MaxAmount = 10^15 minor units, so 12 installments too) always fit; anything larger is a
    /// caller bug, refused rather than written into an invalid document.
    /// </summary>
    private static string SchemaAmount(decimal minor, int exponent)
    {
        // Significant digits per XSD totalDigits: trailing zeros after the decimal point do not count.
        var digits = minor;
        for (var fraction = exponent; fraction > 0 && digits % 10 == 0 && digits != 0; fraction--)
        {
            digits /= 10;
        }

        if (digits.ToString(CultureInfo.InvariantCulture).Length > MaxTotalDigits)
        {
            throw new ArgumentOutOfRangeException(
                nameof(minor), minor, $"{Format(minor, exponent)} has more than the {MaxTotalDigits} digits a pain.001 amount can carry");
        }

        return Format(minor, exponent);
    }

    /// <summary>Exact decimal arithmetic: dividing an integer by a power of ten is exact in decimal.</summary>
    private static string Format(decimal minor, int exponent)
    {
        // ISO 4217 exponents are 0 to 4 (and the schema's amounts allow 5 fraction digits).
        ArgumentOutOfRangeException.ThrowIfNegative(exponent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(exponent, 4);

        var scale = 1m;
        for (var i = 0; i < exponent; i++)
        {
            scale *= 10;
        }

        return (minor / scale).ToString("F" + exponent.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
