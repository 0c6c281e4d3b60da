using System.Buffers;
using System.Security.Cryptography;
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

    public Task<RailResult<CheckoutSession>> CreateSessionAsync(CheckoutRequest request, GatewayCredentials? credentials, CancellationToken cancellationToken)
    {
        var token = SandboxCheckoutToken.New();
        return Task.FromResult(RailResult<CheckoutSession>.Succeeded(new CheckoutSession(token, platform.SandboxCheckoutUrl(token), request.ExpiresAt)));
    }

    public Task<RailResult<GatewayPaymentStatus>> GetStatusAsync(GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken) =>
        Task.FromResult(RailResult<GatewayPaymentStatus>.Pending(new GatewayPaymentStatus("pending", null, null, null)));

    public Task<RailResult<GatewaySession>> ExpireSessionAsync(GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken) =>
        Task.FromResult(RailResult<GatewaySession>.Succeeded(session));
}

/// <summary>
/// A sandbox session id, which is also the address of its checkout page (ADR 12): 128 bits from the system's cryptographic
/// random generator, as 32 lowercase hex digits. Whoever holds it can mark the attempt paid, so it is the page's credential,
/// like a payment link's token; hex, because the column it is kept in compares case-insensitively.
/// </summary>
public static class SandboxCheckoutToken
{
    public const int Length = 32;
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Length / 2));

    /// <summary>Whether the text can be a token at all: anything else is not found without a query.</summary>
    public static bool IsWellFormed(string? token) => token is { Length: Length } && !token.AsSpan().ContainsAnyExcept(LowerHex);
}
