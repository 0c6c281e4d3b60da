using NodaTime;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Abstractions;

/// <summary>
/// A gateway that hosts checkout sessions (the card_psp rail's gateways: xendit, midtrans, sandbox).
/// Implementations speak the gateway's real protocol (spec §7.3), never throw for a gateway's answer,
/// a timeout or a network failure — they map every failure to a §7.6 code — and never retry a creation.
/// </summary>
public interface ICheckoutGateway
{
    /// <summary>The gateway code of the catalogue: "xendit", "midtrans", "sandbox".</summary>
    string Code { get; }

    /// <summary>Opens a hosted checkout session for one attempt. Succeeded carries the session.</summary>
    Task<RailResult<CheckoutSession>> CreateSessionAsync(CheckoutRequest request, GatewayCredentials? credentials, CancellationToken cancellationToken);

    /// <summary>
    /// The gateway's view of an attempt (for reconciliation): Succeeded = paid, Pending = not yet paid,
    /// Failed = expired/declined (permanent code) or the query itself failed (transient/internal code).
    /// </summary>
    Task<RailResult<GatewayPaymentStatus>> GetStatusAsync(GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken);

    /// <summary>
    /// The gateway's own account of what a notification reports, for one whose signature does not cover what it would
    /// book (<see cref="GatewayNotification.NeedsConfirmation"/>; spec §7.4 step 2, "the status API is the arbiter"):
    /// Succeeded with the notification rebuilt from the gateway's answer — its status, transaction id and money out, the
    /// webhook's own dedup key kept — which the caller books instead; Failed when the question could not be answered.
    /// A gateway whose signature covers the whole body returns the notification as it is.
    /// </summary>
    Task<RailResult<GatewayNotification>> ConfirmAsync(
        GatewaySession session, GatewayNotification notification, GatewayCredentials? credentials, CancellationToken cancellationToken) =>
        Task.FromResult(RailResult<GatewayNotification>.Succeeded(notification));

    /// <summary>
    /// Closes an open session so the customer can no longer pay it (the invoice changed, was paid elsewhere or cancelled):
    /// Succeeded once nothing of it can be paid any more, Pending when part of it stays open until its own expiry (nothing
    /// more can be done now), Failed when the gateway refused or could not be asked.
    /// </summary>
    Task<RailResult<GatewaySession>> ExpireSessionAsync(GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken);
}

/// <summary>
/// One checkout to open. <see cref="Items"/> always sum to <see cref="Amount"/> (gateways such as Midtrans
/// refuse anything else); <see cref="Reference"/> is PayTrust's attempt reference (Xendit external_id,
/// Midtrans order_id).
/// </summary>
public sealed record CheckoutRequest(
    string Reference,
    Money Amount,
    string Description,
    IReadOnlyList<CheckoutItem> Items,
    CheckoutCustomer? Customer,
    Instant Now,
    Instant ExpiresAt,
    string SuccessRedirectUrl,
    string FailureRedirectUrl);

public sealed record CheckoutItem(string Name, int Quantity, Money UnitPrice);

public sealed record CheckoutCustomer(string? Name, string? Email, string? Phone);

/// <summary>An open hosted session: the gateway's id for it (Xendit invoice id, Midtrans token) and where to send the customer.</summary>
public sealed record CheckoutSession(string GatewayReference, string CheckoutUrl, Instant ExpiresAt);

/// <summary>
/// Identifies a session at the gateway: our attempt reference and the gateway's own id (null when the gateway's answer to
/// the creation never reached us), and when the session ends as PayTrust asked for it, where known: a gateway that cannot
/// tell an unused session from one that never existed (Midtrans before a payment method is chosen) judges by that.
/// </summary>
public sealed record GatewaySession(string Reference, string? GatewayReference, Currency Currency, Instant? ExpiresAt = null);

/// <summary>
/// What the gateway reports for an attempt: its own status word (PAID, settlement, refund, …), the amount paid if
/// any (in minor units of the attempt's currency, or of <see cref="CurrencyCode"/> when that is set), the gateway's transaction id, and when it was paid. A payment
/// money has since left (Midtrans refund, chargeback) is still Succeeded — it was paid — and lists what left in
/// <see cref="MoneyOut"/>, of kind <see cref="MoneyOutKind"/>; <see cref="CurrencyCode"/> is the currency the gateway
/// states when it is not the attempt's (then nothing can be applied: a currency_mismatch).
/// </summary>
public sealed record GatewayPaymentStatus(string GatewayStatus, Money? PaidAmount, string? TransactionId, Instant? PaidAt)
{
    public MoneyOutKind? MoneyOutKind { get; init; }

    public IReadOnlyList<GatewayRefund> MoneyOut { get; init; } = [];

    /// <summary>
    /// Set only when the gateway reports another currency than the attempt's; <see cref="PaidAmount"/> is then in that
    /// currency (null when PayTrust does not know it).
    /// </summary>
    public string? CurrencyCode { get; init; }

    /// <summary>The amount as the gateway wrote it, kept for the record of a currency mismatch.</summary>
    public string? AmountAsReceived { get; init; }
}
