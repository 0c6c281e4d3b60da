using PayTrust.Application.Abstractions;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Payments.Rails;

/// <summary>
/// Rails whose money PayTrust only hears about: a bank transfer quoting the invoice's payment_reference
/// (confirmed by a payment record, §8) or a payment the merchant settled offline (§7.5). There is no
/// session to open, close or query, so those operations fail with method_not_supported instead of pretending.
/// </summary>
internal abstract class OfflineRail(RailDescriptor descriptor) : IPaymentRail
{
    public string Code => descriptor.Code;

    public RailCapabilities Capabilities => descriptor.Capabilities;

    public bool Serves(string gateway) => false;

    public Task<RailResult<CheckoutSession>> OpenCheckoutAsync(string gateway, CheckoutRequest request, GatewayCredentials? credentials, CancellationToken cancellationToken) =>
        Task.FromResult(RailResult<CheckoutSession>.Failed(FailureCode.MethodNotSupported, $"{Code} has no hosted checkout"));

    public Task<RailResult<GatewaySession>> CloseCheckoutAsync(string gateway, GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken) =>
        Task.FromResult(RailResult<GatewaySession>.Failed(FailureCode.MethodNotSupported, $"{Code} has no checkout to close"));

    public Task<RailResult<GatewayPaymentStatus>> QueryStatusAsync(string gateway, GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken) =>
        Task.FromResult(RailResult<GatewayPaymentStatus>.Failed(FailureCode.MethodNotSupported, $"{Code} has no status to query"));
}

internal sealed class BankTransferRail() : OfflineRail(Descriptor)
{
    public static readonly RailDescriptor Descriptor =
        new("bank_transfer", new(SupportsAsync: true, SupportsRefund: false, SettlementMode.DirectToMerchant, HostsCheckout: false));
}

internal sealed class ManualSettlementRail() : OfflineRail(Descriptor)
{
    public static readonly RailDescriptor Descriptor =
        new("manual_settlement", new(SupportsAsync: false, SupportsRefund: false, SettlementMode.DirectToMerchant, HostsCheckout: false));
}
