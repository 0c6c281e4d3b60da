using NodaTime;

namespace PayTrust.Application.Abstractions;

/// <summary>
/// One refund a notification reports. <see cref="RefundId"/> is the gateway's id as received (Midtrans
/// <c>refund_chargeback_id</c> counts 1, 2, … per transaction, so it is unique only together with the
/// notification's GatewayTransactionId). <see cref="Amount"/> is in minor units, null only when the currency is
/// not one PayTrust knows.
/// </summary>
public sealed record GatewayRefund(string RefundId, long? Amount, string? Reason, Instant? OccurredAt);
