using NodaTime;
using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Payments;

/// <summary>What took money back after a payment (spec §7.4 step 6).</summary>
public enum MoneyOutKind
{
    /// <summary>The merchant returned money through the gateway (Midtrans refund / partial_refund, Xendit refund callbacks).</summary>
    Refund,

    /// <summary>The card holder's bank took the money back (Midtrans chargeback / partial_chargeback).</summary>
    Chargeback,

    /// <summary>The gateway undid the payment itself (Midtrans deny after settlement, cancel after capture): all of what remained.</summary>
    Reversal,
}

public static class MoneyOutKindNames
{
    public static string Of(MoneyOutKind kind) => kind switch
    {
        MoneyOutKind.Refund => "refund",
        MoneyOutKind.Chargeback => "chargeback",
        MoneyOutKind.Reversal => "reversal",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static MoneyOutKind Parse(string name) => name switch
    {
        "refund" => MoneyOutKind.Refund,
        "chargeback" => MoneyOutKind.Chargeback,
        "reversal" => MoneyOutKind.Reversal,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown money-out kind"),
    };
}

/// <summary>
/// Money that left a payment, as the gateway reported it (spec §7.4 step 6); PayTrust never initiates one. It is
/// recorded against the payment of its own attempt. <see cref="PaymentId"/> is null while it waits for that payment
/// (the gateway's news of the money out arrived first); it counts on the invoice's amount_refunded once attached.
/// </summary>
public sealed record Refund(
    Guid Id,
    Guid TenantId,
    Guid InvoiceId,
    Guid? PaymentId,
    Guid? AttemptId,
    MoneyOutKind Kind,
    string Gateway,
    string GatewayTransactionId,
    string GatewayRefundId,
    Money Amount,
    string? Reason,
    Instant RefundedAt,
    Instant RecordedAt);
