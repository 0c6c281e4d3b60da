using PayTrust.Application.Abstractions;
using PayTrust.Domain.Payments;

namespace PayTrust.Infrastructure.Gateways;

/// <summary>What one Midtrans status means in PayTrust's terms: the notification kind, the pain.002 status, and for money out its kind.</summary>
internal sealed record MidtransVerdict(NotificationKind Kind, PaymentStatusReport Report, MoneyOutKind? MoneyOut = null);

/// <summary>
/// The one translator of Midtrans' transaction_status × fraud_status (spec §7.4 step 7), used by the notification
/// reader and by the status API client alike, so the same input never maps two ways. Sources, cited row by row in
/// MidtransStatusTests and ADR 32: the Transaction Status Cycle (docs.midtrans.com/docs/transaction-status-cycle),
/// the status codes (docs.midtrans.com/reference/code-statuses) and the notification handling samples of the official
/// SDKs (midtrans-nodejs-client, midtrans-python-client: capture is paid only with fraud_status accept; challenge
/// waits for review).
/// </summary>
internal static class MidtransStatus
{
    /// <summary>
    /// Null for a status Midtrans does not document, or a documented one with a fraud_status that contradicts it
    /// (settlement with deny or challenge: Midtrans settles only what its fraud check accepted). The webhook reader
    /// calls such a notification malformed; the status client an unexpected_gateway_response: neither books money.
    /// </summary>
    public static MidtransVerdict? Translate(string? transactionStatus, string? fraudStatus) => (transactionStatus, fraudStatus) switch
    {
        ("settlement", null or "accept") => new(NotificationKind.Payment, PaymentStatusReport.Settled),
        ("capture", null or "accept") => new(NotificationKind.Payment, PaymentStatusReport.Settled),
        ("capture", "challenge") => new(NotificationKind.Payment, PaymentStatusReport.AwaitingReview),
        ("capture", "deny") => new(NotificationKind.Payment, PaymentStatusReport.Rejected(FailureCode.FraudRejected)),
        // Pre-authorisation (PayTrust never asks for it): funds reserved, not captured.
        ("authorize", null or "accept" or "challenge") => new(NotificationKind.Payment, PaymentStatusReport.Pending),
        ("pending", _) => new(NotificationKind.Payment, PaymentStatusReport.Pending),
        // A deny after settlement, or a cancel after capture, undoes a payment: the applier records a reversal when
        // the attempt is already paid; before that it is the attempt's failure.
        ("deny", "deny") => new(NotificationKind.Payment, PaymentStatusReport.Rejected(FailureCode.FraudRejected)),
        ("deny", _) => new(NotificationKind.Payment, PaymentStatusReport.Rejected(FailureCode.Declined)),
        ("cancel", _) => new(NotificationKind.Payment, PaymentStatusReport.Rejected(FailureCode.CancelledByCustomer)),
        ("expire", _) => new(NotificationKind.Payment, PaymentStatusReport.Rejected(FailureCode.Expired)),
        // "Unexpected error during transaction processing … mostly when the bank fails to respond", with no later change in
        // the status cycle: final for the attempt, so a permanent code (reconciliation closes the attempt as the webhook does).
        ("failure", _) => new(NotificationKind.Payment, PaymentStatusReport.Rejected(FailureCode.Declined)),
        ("refund" or "partial_refund", _) => new(NotificationKind.MoneyOut, PaymentStatusReport.Settled, MoneyOutKind.Refund),
        ("chargeback" or "partial_chargeback", _) => new(NotificationKind.MoneyOut, PaymentStatusReport.Settled, MoneyOutKind.Chargeback),
        _ => null,
    };

    /// <summary>
    /// The status_code values Midtrans signs with each status: 200 for money that moved (capture+accept, settlement,
    /// refunds and chargebacks, and a card capture's cancel), 201 for what waits (pending, capture+challenge), 202 for
    /// rejections (deny, cancel, capture+deny, failure), 202 or 407 for expire. A notification whose status contradicts
    /// its signed status_code is refused (ADR 13). Null for a status <see cref="Translate"/> does not know.
    /// </summary>
    public static IReadOnlyList<string>? SignedStatusCodes(string? transactionStatus, string? fraudStatus) =>
        Translate(transactionStatus, fraudStatus) is null ? null : (transactionStatus, fraudStatus) switch
        {
            ("capture", "challenge") or ("authorize", "challenge") or ("pending", _) => ["201"],
            ("capture", "deny") or ("deny", _) or ("failure", _) => ["202"],
            // Midtrans answers 200 for a card transaction it cancelled after capture or authorisation, 202 otherwise.
            ("cancel", _) => ["200", "202"],
            ("expire", _) => ["202", "407"],
            _ => ["200"],
        };

    /// <summary>
    /// Whether what the notification would book rests on a word the signature does not cover: money out, and a deny or
    /// cancel (which may undo a payment). A settlement body shares status_code 200 with refunds, chargebacks and a
    /// capture's cancel, so such a notification is confirmed with the status API before anything is booked.
    /// </summary>
    public static bool NeedsConfirmation(string transactionStatus, MidtransVerdict verdict) =>
        verdict.Kind == NotificationKind.MoneyOut || MayReverse(transactionStatus);

    /// <summary>
    /// Whether the status can undo a payment already made: only deny (after settlement) and cancel (after capture), the
    /// transitions the status cycle documents. An expire or failure never follows a payment, so for a paid attempt it
    /// changes nothing, whatever transaction id its unsigned body names.
    /// </summary>
    public static bool MayReverse(string? transactionStatus) => transactionStatus is "deny" or "cancel";
}
