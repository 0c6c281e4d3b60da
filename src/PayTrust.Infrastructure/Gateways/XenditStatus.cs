using PayTrust.Application.Abstractions;
using PayTrust.Domain.Payments;

namespace PayTrust.Infrastructure.Gateways;

/// <summary>
/// The one translator of Xendit's status words (spec §7.4 step 7), used by the callback reader and the status API
/// client alike. Sources, cited row by row in XenditStatusTests and ADR 32: the Invoice API's invoice object and
/// invoice callback (PENDING, PAID, SETTLED, EXPIRED; developers.xendit.co/api-reference/#get-invoice) and the Refund
/// API's refund object and refund webhook (docs.xendit.co/apidocs/refund-webhook-notification: event refund.succeeded
/// / refund.failed, data.status SUCCEEDED, FAILED, PENDING, REQUIRES_ACTION, CANCELLED).
/// </summary>
internal static class XenditStatus
{
    /// <summary>An invoice's status; null for a word Xendit does not document.</summary>
    public static PaymentStatusReport? Invoice(string? status) => status switch
    {
        "PAID" or "SETTLED" => PaymentStatusReport.Settled,
        "PENDING" => PaymentStatusReport.Pending,
        "EXPIRED" => PaymentStatusReport.Rejected(FailureCode.Expired),
        _ => null,
    };

    /// <summary>A refund's status: SUCCEEDED is money out; FAILED and CANCELLED move nothing; PENDING and REQUIRES_ACTION wait. Null when unknown.</summary>
    public static PaymentStatusReport? Refund(string? status) => status switch
    {
        "SUCCEEDED" => PaymentStatusReport.Settled,
        "PENDING" or "REQUIRES_ACTION" => PaymentStatusReport.Pending,
        "FAILED" => PaymentStatusReport.Rejected(FailureCode.Declined),
        "CANCELLED" => PaymentStatusReport.Rejected(FailureCode.CancelledByCustomer),
        _ => null,
    };

    /// <summary>The callback's event must agree with its data.status: refund.succeeded only with SUCCEEDED, refund.failed only with FAILED.</summary>
    public static bool RefundEventAgrees(string? eventType, string? status) => (eventType, status) switch
    {
        ("refund.succeeded", "SUCCEEDED") => true,
        ("refund.failed", "FAILED") => true,
        _ => false,
    };
}
