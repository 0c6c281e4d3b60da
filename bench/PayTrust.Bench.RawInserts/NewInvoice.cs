using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;

namespace PayTrust.Bench.RawInserts;

/// <summary>
/// One new invoice as src/PayTrust.Infrastructure/Persistence/InvoiceRepository.cs writes it: the invoices row,
/// a multi-row INSERT of the line items, of the installments (when there are any) and one outbox event, in
/// one batch with the same SQL text and the same parameters. The values are those the API computes for the
/// bench body: IDR (no minor digits), gateway sandbox (fee 1 % + 1,000), three lines, no external id.
/// </summary>
internal sealed class NewInvoice
{
    private const string InsertInvoiceSql = """
        INSERT INTO invoices (id, tenant_id, external_id, parent_invoice_id, status, currency_code, gateway, payment_method,
            fee_percentage, fee_fixed, subtotal_amount, total_tax_amount, total_service_fee_amount, total_amount, amount_paid,
            overpayment_amount, payment_reference, payment_token, description, customer_name, customer_email, customer_phone,
            metadata, created_at, updated_at, expires_at, payment_initiated_at, paid_at, cancelled_at, expired_at)
        VALUES (@Id, @TenantId, @ExternalId, @ParentInvoiceId, @Status, @CurrencyCode, @Gateway, @PaymentMethod,
            @FeePercentage, @FeeFixed, @SubtotalAmount, @TotalTaxAmount, @TotalServiceFeeAmount, @TotalAmount, @AmountPaid,
            @OverpaymentAmount, @PaymentReference, @PaymentToken, @Description, @CustomerName, @CustomerEmail, @CustomerPhone,
            @Metadata, @CreatedAt, @UpdatedAt, @ExpiresAt, @PaymentInitiatedAt, @PaidAt, @CancelledAt, @ExpiredAt);
        """;

    private const decimal FeePercentage = 0.0100m;
    private const long FeeFixed = 1_000;
    private const int IntervalDays = 30;
    private const string ReferenceAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    private static readonly Line[] Lines =
    [
        new("Shoes", 2, 150_000, 0.11m, "VAT", "ID"),
        new("Socks", 3, 25_000, 0.11m, null, null),
        new("Box", 1, 10_000, 0m, null, null),
    ];

    private static readonly JsonSerializerOptions PayloadJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly Guid _tenantId;
    private readonly int _installments;
    private readonly long _subtotal;
    private readonly long _tax;
    private readonly long _fee;
    private readonly long _total;

    public NewInvoice(Guid tenantId, int installments)
    {
        _tenantId = tenantId;
        _installments = installments;
        _subtotal = Lines.Sum(l => l.Subtotal);
        _tax = Lines.Sum(l => l.Tax);
        _fee = (long)Math.Round(_subtotal * FeePercentage, MidpointRounding.ToEven) + FeeFixed;
        _total = _subtotal + _tax + _fee;
        Sql = BuildSql();
    }

    public string Sql { get; }

    public DynamicParameters Parameters() => Parameters(out _, out _);

    /// <summary>The parameters of one new invoice, with its id and payment reference.</summary>
    public DynamicParameters Parameters(out Guid id, out string paymentReference)
    {
        id = Guid.CreateVersion7();
        paymentReference = NewPaymentReference();
        var now = StorageNow();
        var lastDue = _installments > 0 ? now.AddDays(_installments * IntervalDays) : now;
        var expiresAt = lastDue.AddHours(24);
        var parameters = new DynamicParameters(new
        {
            Id = id,
            TenantId = _tenantId,
            ExternalId = (string?)null,
            ParentInvoiceId = (Guid?)null,
            Status = "draft",
            CurrencyCode = "IDR",
            Gateway = "sandbox",
            PaymentMethod = (string?)null,
            FeePercentage,
            FeeFixed,
            SubtotalAmount = _subtotal,
            TotalTaxAmount = _tax,
            TotalServiceFeeAmount = _fee,
            TotalAmount = _total,
            AmountPaid = 0L,
            OverpaymentAmount = 0L,
            PaymentReference = paymentReference,
            PaymentToken = NewPaymentToken(),
            Description = "bench",
            CustomerName = "Bench",
            CustomerEmail = "bench@example.com",
            CustomerPhone = (string?)null,
            Metadata = (string?)null,
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = expiresAt,
            PaymentInitiatedAt = (DateTime?)null,
            PaidAt = (DateTime?)null,
            CancelledAt = (DateTime?)null,
            ExpiredAt = (DateTime?)null,
        });

        for (var i = 0; i < Lines.Length; i++)
        {
            parameters.Add($"l{i}Id", Guid.CreateVersion7());
            parameters.Add($"l{i}Name", Lines[i].Name);
            parameters.Add($"l{i}Rate", Lines[i].TaxRate);
            parameters.Add($"l{i}Category", Lines[i].TaxCategory);
            parameters.Add($"l{i}Country", Lines[i].CountryCode);
        }

        for (var i = 0; i < _installments; i++)
        {
            parameters.Add($"s{i}Due", now.AddDays((i + 1) * IntervalDays));
            parameters.Add($"s{i}PaidAt", null);
        }

        var payload = new EventPayload(
            id, null, "draft", "IDR", _total, 0, _total, 0,
            expiresAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), null, null);
        parameters.Add("e0Id", Guid.CreateVersion7());
        parameters.Add("e0Type", "invoice.created");
        parameters.Add("e0Payload", JsonSerializer.Serialize(payload, PayloadJson));
        parameters.Add("e0At", now);
        return parameters;
    }

    private string BuildSql()
    {
        var sql = new StringBuilder(InsertInvoiceSql);
        sql.Append("INSERT INTO invoice_line_items (id, invoice_id, line_number, product_name, quantity, unit_price, tax_rate, tax_category, country_code, subtotal_amount, tax_amount) VALUES ");
        for (var i = 0; i < Lines.Length; i++)
        {
            var line = Lines[i];
            sql.Append(CultureInfo.InvariantCulture, $"{(i > 0 ? "," : "")}(@l{i}Id, @Id, {i + 1}, @l{i}Name, {line.Quantity}, {line.UnitPrice}, @l{i}Rate, @l{i}Category, @l{i}Country, {line.Subtotal}, {line.Tax})");
        }

        sql.Append(';');
        if (_installments > 0)
        {
            // Equal parts; tax and fee weighted by them. The one allocation rule: floors, the last part takes the rest.
            var amounts = Split(_total, _installments);
            var taxes = Split(_tax, _installments);
            var fees = Split(_fee, _installments);
            sql.Append("INSERT INTO invoice_installments (invoice_id, number, due_date, amount, tax, service_fee, amount_paid, paid_at) VALUES ");
            for (var i = 0; i < _installments; i++)
            {
                sql.Append(CultureInfo.InvariantCulture, $"{(i > 0 ? "," : "")}(@Id, {i + 1}, @s{i}Due, {amounts[i]}, {taxes[i]}, {fees[i]}, 0, @s{i}PaidAt)");
            }

            sql.Append(';');
        }

        sql.Append("INSERT INTO outbox_events (id, tenant_id, type, subject_id, payload, occurred_at) VALUES (@e0Id, @TenantId, @e0Type, @Id, @e0Payload, @e0At);");
        return sql.ToString();
    }

    private static long[] Split(long total, int parts)
    {
        var split = new long[parts];
        Array.Fill(split, total / parts);
        split[^1] = total - (total / parts * (parts - 1));
        return split;
    }

    /// <summary>The system clock at the database's precision (whole microseconds), as PayTrust's StorageClock.</summary>
    internal static DateTime StorageNow()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - (now.Ticks % 10), DateTimeKind.Utc);
    }

    private static string NewPaymentReference()
    {
        Span<char> reference = stackalloc char[11];
        reference[0] = 'P';
        reference[1] = 'T';
        for (var i = 2; i < reference.Length; i++)
        {
            reference[i] = ReferenceAlphabet[RandomNumberGenerator.GetInt32(ReferenceAlphabet.Length)];
        }

        return new string(reference);
    }

    private static string NewPaymentToken()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }

    private sealed record Line(string Name, int Quantity, long UnitPrice, decimal TaxRate, string? TaxCategory, string? CountryCode)
    {
        public long Subtotal => Quantity * UnitPrice;

        public long Tax => (long)Math.Round(Subtotal * TaxRate, MidpointRounding.ToEven);
    }

    private sealed record EventPayload(
        Guid InvoiceId, string? ExternalId, string Status, string CurrencyCode, long TotalAmount, long AmountPaid, long AmountDue,
        long OverpaymentAmount, string ExpiresAt, Guid? ParentInvoiceId, int? InstallmentNumber);
}
