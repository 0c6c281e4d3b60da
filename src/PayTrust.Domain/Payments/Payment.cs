using NodaTime;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Payments;

/// <summary>Where a payment's news came from.</summary>
public enum PaymentSource
{
    /// <summary>A verified gateway webhook (spec §7.4).</summary>
    Webhook,
    /// <summary>The reconciliation worker asked the gateway (spec §7.7).</summary>
    Reconciliation,
    /// <summary>Recorded by the merchant: a bank transfer or a manual settlement (spec §7.5).</summary>
    Merchant,
}

/// <summary>
/// Money received for an invoice. <see cref="Applied"/> is false for money that could not be applied where it arrived
/// — after the invoice was cancelled or expired, or in another currency than the invoice's: it is recorded (the customer
/// paid; finance must see it) but changes no amounts, until it is applied to an open invoice (<see cref="ApplyTo"/>).
/// A gateway payment is identified by (<see cref="Gateway"/>, <see cref="GatewayTransactionId"/>), a merchant's
/// by its <see cref="Reference"/> within the tenant.
/// </summary>
public sealed record Payment(
    Guid Id,
    Guid TenantId,
    Guid InvoiceId,
    Guid? AttemptId,
    string Rail,
    string? Gateway,
    string? GatewayTransactionId,
    string? Reference,
    Money Amount,
    PaymentSource Source,
    bool Applied,
    string? Note,
    Instant PaidAt,
    Instant RecordedAt)
{
    /// <summary>Refuses money that is already applied (409 payment_already_applied): stranded money is applied once.</summary>
    public void EnsureStranded()
    {
        if (Applied)
        {
            throw new PayTrustException(ErrorKind.Conflict, "payment_already_applied", $"Payment {Id} is already applied to invoice {InvoiceId}");
        }
    }

    /// <summary>
    /// Stranded money applied to <paramref name="invoice"/> of the same tenant (spec §7.4 step 8): only money not yet
    /// applied, only in the invoice's currency (422 currency_mismatch), and only to an open invoice — draft, pending,
    /// partially_paid or failed; a paid, cancelled or expired one takes none (409 invoice_not_payable). Returns the payment
    /// as it is then: on that invoice, applied, recorded at <paramref name="now"/> (money counts as collected when it is
    /// applied). The invoice's own amounts change through <see cref="Invoice.ApplyPayment"/>.
    /// </summary>
    public Payment ApplyTo(Invoice invoice, Instant now)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        if (invoice.TenantId != TenantId)
        {
            throw new ArgumentException("A payment is applied only to an invoice of its own tenant.", nameof(invoice));
        }

        EnsureStranded();
        if (Amount.Currency != invoice.Currency)
        {
            throw new PayTrustException(ErrorKind.BusinessRule, "currency_mismatch",
                $"Payment currency {Amount.Currency.Code} does not match the invoice currency {invoice.Currency.Code}");
        }

        if (!invoice.IsOpenForPayment)
        {
            throw new PayTrustException(ErrorKind.Conflict, "invoice_not_payable",
                $"Invoice is {StatusNames.Of(invoice.Status)} and cannot take payments");
        }

        return this with { InvoiceId = invoice.Id, Applied = true, RecordedAt = now };
    }
}

public static class PaymentSourceNames
{
    public static string Of(PaymentSource source) => source switch
    {
        PaymentSource.Webhook => "webhook",
        PaymentSource.Reconciliation => "reconciliation",
        PaymentSource.Merchant => "merchant",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, null),
    };

    public static PaymentSource Parse(string name) => name switch
    {
        "webhook" => PaymentSource.Webhook,
        "reconciliation" => PaymentSource.Reconciliation,
        "merchant" => PaymentSource.Merchant,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown payment source"),
    };
}
