using PayTrust.Application.Abstractions;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Payments.Rails;

/// <summary>
/// A way money moves (spec §3). Callers go through <see cref="PaymentRails"/>, which picks the rail, and
/// logs and measures every call; adding a rail is a new implementation registered in DI, nothing else.
/// </summary>
public interface IPaymentRail
{
    /// <summary>card_psp, bank_transfer, manual_settlement.</summary>
    string Code { get; }

    RailCapabilities Capabilities { get; }

    /// <summary>Whether this rail carries payments through the given gateway.</summary>
    bool Serves(string gateway);

    /// <summary>Opens a way for the customer to pay one attempt; never throws for a gateway's answer.</summary>
    Task<RailResult<CheckoutSession>> OpenCheckoutAsync(string gateway, CheckoutRequest request, GatewayCredentials? credentials, CancellationToken cancellationToken);

    /// <summary>Closes an open checkout so it can no longer be paid (the invoice changed, was paid elsewhere or cancelled).</summary>
    Task<RailResult<GatewaySession>> CloseCheckoutAsync(string gateway, GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken);

    /// <summary>The gateway's current view of an attempt (reconciliation, §7.7).</summary>
    Task<RailResult<GatewayPaymentStatus>> QueryStatusAsync(string gateway, GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken);
}

/// <summary>How money settles on a rail.</summary>
public enum SettlementMode
{
    /// <summary>The gateway collects and settles to the merchant later (card_psp).</summary>
    GatewaySettled,
    /// <summary>The money is already in the merchant's bank account when PayTrust hears of it.</summary>
    DirectToMerchant,
}

/// <summary>Capability metadata (spec §3): what callers may expect of a rail without knowing which one it is.</summary>
public sealed record RailCapabilities(bool SupportsAsync, bool SupportsRefund, SettlementMode SettlementMode, bool HostsCheckout);
