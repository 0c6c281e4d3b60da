using NodaTime;
using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Payments;

/// <summary>
/// A refund the gateway reported (spec §7.4 step 6); PayTrust never initiates one. It is recorded against the
/// payment it returns money from; the invoice's amounts are not changed (finance reads refunds beside them).
/// </summary>
public sealed record Refund(
    Guid Id,
    Guid TenantId,
    Guid InvoiceId,
    Guid? PaymentId,
    string Gateway,
    string GatewayTransactionId,
    string GatewayRefundId,
    Money Amount,
    string? Reason,
    Instant RefundedAt,
    Instant RecordedAt);
