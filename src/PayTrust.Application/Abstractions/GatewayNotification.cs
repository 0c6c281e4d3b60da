using NodaTime;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Abstractions;

/// <summary>
/// A verified gateway notification in PayTrust's terms (spec §7.4 steps 2–3). It says what the gateway reported,
/// exactly as received: whether the currency is the invoice's, and whether the amount is the one expected, are
/// the caller's questions (currency_mismatch, underpayment, overpayment).
/// </summary>
public sealed record GatewayNotification
{
    /// <summary>Payment or money out: branch on this first. Money out's <see cref="Status"/> is ACSC when the money left, not a payment.</summary>
    public required NotificationKind Kind { get; init; }

    /// <summary>For money out: refund or chargeback (a reversal is a rejection of a payment already made; the applier names it).</summary>
    public MoneyOutKind? MoneyOut { get; init; }

    /// <summary>
    /// True when the signature does not cover what this notification would book, so the gateway's status API is asked
    /// before anything is (spec §7.4 step 2, "the arbiter"): Midtrans money out and rejections (a refund or chargeback, a
    /// deny or cancel, all signed with a status_code a settlement shares), and Xendit refund callbacks (its token covers
    /// no body).
    /// </summary>
    public bool NeedsConfirmation { get; init; }

    /// <summary>
    /// True for a rejection that may undo a payment already made (Midtrans deny after settlement, cancel after capture —
    /// always confirmed with the status API first): the applier records a reversal of a paid attempt's payment only for
    /// these. Any other rejection of a paid attempt changes nothing.
    /// </summary>
    public bool MayReverse { get; init; }

    /// <summary>"xendit", "midtrans", "sandbox".</summary>
    public required string Gateway { get; init; }

    /// <summary>PayTrust's attempt reference (Xendit external_id, Midtrans order_id, sandbox data.reference).</summary>
    public required string AttemptReference { get; init; }

    /// <summary>
    /// The unique key of this event for <c>webhook_events</c> (§7.4 step 2): Xendit <c>webhook-id</c> header, else
    /// "id:status"; Midtrans "order_id:transaction_status:status_code", the fields its signature covers (refunds add
    /// ":refund id"); sandbox the event id. Unique per tenant and gateway, never across tenants.
    /// </summary>
    public required string DedupKey { get; init; }

    /// <summary>The gateway's id of the payment (Xendit invoice id, Midtrans transaction_id, sandbox data.transaction_id): payments are unique on it, per tenant.</summary>
    public required string GatewayTransactionId { get; init; }

    /// <summary>
    /// The gateway's id of the checkout session the notification speaks of, where it names one (Xendit: the invoice
    /// id). It must be the attempt's own <c>gateway_reference</c> (spec §7.4 step 2): a notification signed for one
    /// attempt cannot name another attempt's session, of this tenant or any other. Null where the body names none.
    /// </summary>
    public string? SessionId { get; init; }

    /// <summary>The gateway's own status word (PAID, capture, paid, …), for the record and for logs.</summary>
    public required string GatewayStatus { get; init; }

    public required PaymentStatusReport Status { get; init; }

    /// <summary>The currency code exactly as received; it may be anything.</summary>
    public required string CurrencyCode { get; init; }

    /// <summary>
    /// The amount in minor units, converted exactly: for a paid notification the amount paid. Null only when
    /// <see cref="CurrencyCode"/> is not a currency PayTrust supports (its exponent is unknown, and such a
    /// notification is a currency mismatch whatever the amount); <see cref="AmountAsReceived"/> still has it.
    /// For a refund it is the transaction amount the gateway states (Midtrans gross_amount; the sandbox's
    /// refund event states the refund amount).
    /// </summary>
    public long? Amount { get; init; }

    /// <summary>The amount as the body wrote it ("24145.00", 150000, 123.45), for the record of a mismatch.</summary>
    public required string AmountAsReceived { get; init; }

    /// <summary>When it happened at the gateway, where the body says: paid_at/updated, settlement_time/transaction_time, created_at; a refund's own time for refunds.</summary>
    public Instant? OccurredAt { get; init; }

    /// <summary>The payment method word the gateway reports (Xendit payment_method, Midtrans payment_type), if any.</summary>
    public string? PaymentMethod { get; init; }

    /// <summary>For money out: the entry this notification is about (the newest one it lists).</summary>
    public string? RefundId { get; init; }

    /// <summary>For a refund: that refund's amount in minor units (null only for an unknown currency).</summary>
    public long? RefundAmount { get; init; }

    public string? RefundReason { get; init; }

    /// <summary>
    /// For money out: every entry the notification lists, oldest first, the last being <see cref="RefundId"/>.
    /// Midtrans repeats earlier refunds and chargebacks in each notification, so recording all of them (unique per
    /// refund id) also heals a missed notification. Empty for payments.
    /// </summary>
    public IReadOnlyList<GatewayRefund> Refunds { get; init; } = [];
}
