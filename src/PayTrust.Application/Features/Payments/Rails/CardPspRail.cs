using PayTrust.Application.Abstractions;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Payments.Rails;

/// <summary>
/// Gateway-hosted checkout (cards, e-wallets, virtual accounts): Xendit, Midtrans and the built-in
/// sandbox, each an <see cref="ICheckoutGateway"/>. Payments arrive later by webhook, refunds are reported by the gateway.
/// </summary>
internal sealed class CardPspRail(IEnumerable<ICheckoutGateway> gateways) : IPaymentRail
{
    private readonly Dictionary<string, ICheckoutGateway> _gateways = gateways.ToDictionary(gateway => gateway.Code, StringComparer.Ordinal);

    public static readonly RailDescriptor Descriptor =
        new("card_psp", new(SupportsAsync: true, SupportsRefund: true, SettlementMode.GatewaySettled, HostsCheckout: true));

    public string Code => Descriptor.Code;

    public RailCapabilities Capabilities => Descriptor.Capabilities;

    public bool Serves(string gateway) => _gateways.ContainsKey(gateway);

    public Task<RailResult<CheckoutSession>> OpenCheckoutAsync(string gateway, CheckoutRequest request, GatewayCredentials? credentials, CancellationToken cancellationToken) =>
        _gateways[gateway].CreateSessionAsync(request, credentials, cancellationToken);

    public Task<RailResult<GatewaySession>> CloseCheckoutAsync(string gateway, GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken) =>
        _gateways[gateway].ExpireSessionAsync(session, credentials, cancellationToken);

    public Task<RailResult<GatewayPaymentStatus>> QueryStatusAsync(string gateway, GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken) =>
        _gateways[gateway].GetStatusAsync(session, credentials, cancellationToken);
}
