using NodaTime;
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
/// Money received for an invoice. <see cref="Applied"/> is false only for money that arrived after the invoice
/// was cancelled or expired: it is recorded (the customer paid; finance must see it) but changes no amounts.
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
    Instant RecordedAt);

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
