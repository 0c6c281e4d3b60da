using PayTrust.Application.Abstractions;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Sandbox;

/// <summary>
/// The built-in sandbox gateway (spec §7.3): its "session" is PayTrust's own checkout page for the
/// attempt, so opening one needs no network and no credentials. What the customer does there comes back
/// as a signed webhook, like any gateway's. It keeps no state of its own, so a status query answers
/// pending — the webhooks are the record — and closing a session is immediate.
/// </summary>
internal sealed class SandboxCheckoutGateway(IPlatformSettings platform) : ICheckoutGateway
{
    public const string GatewayCode = "sandbox";

    public string Code => GatewayCode;

    public Task<RailResult<CheckoutSession>> CreateSessionAsync(CheckoutRequest request, GatewayCredentials? credentials, CancellationToken cancellationToken) =>
        Task.FromResult(RailResult<CheckoutSession>.Succeeded(new CheckoutSession(
            "sbx_" + Guid.NewGuid().ToString("N"), platform.SandboxCheckoutUrl(request.Reference), request.ExpiresAt)));

    public Task<RailResult<GatewayPaymentStatus>> GetStatusAsync(GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken) =>
        Task.FromResult(RailResult<GatewayPaymentStatus>.Pending(new GatewayPaymentStatus("pending", null, null, null)));

    public Task<RailResult<GatewaySession>> ExpireSessionAsync(GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken) =>
        Task.FromResult(RailResult<GatewaySession>.Succeeded(session));
}
