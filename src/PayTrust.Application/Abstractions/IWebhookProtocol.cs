using NodaTime;

namespace PayTrust.Application.Abstractions;

/// <summary>
/// One gateway's webhook/notification protocol (spec §7.3, §7.4): finding the attempt a body is about, checking
/// that the gateway sent it, and reading it into a <see cref="GatewayNotification"/>. Protocol only: no database,
/// no HTTP. Implementations are stateless singletons, resolved as <c>IEnumerable&lt;IWebhookProtocol&gt;</c> and
/// picked by <see cref="Gateway"/>. None of them throws for anything a sender can put in a body or a header.
/// </summary>
public interface IWebhookProtocol
{
    /// <summary>The gateway code of the catalogue: "xendit", "midtrans", "sandbox".</summary>
    string Gateway { get; }

    /// <summary>
    /// Step 1 of §7.4: just enough parsing to find the attempt (Xendit <c>external_id</c>, Midtrans <c>order_id</c>,
    /// sandbox <c>data.reference</c>). Null when the body is not a JSON object or has no reference. Nothing is
    /// verified yet: the answer only says whose credentials to verify with.
    /// </summary>
    string? ReadReference(ReadOnlySpan<byte> body);

    /// <summary>
    /// For a body that names no attempt reference but the gateway's own id of the session (Xendit refund callbacks name
    /// the invoice id only): that id, matched against the attempts' gateway_reference. Null otherwise.
    /// </summary>
    string? ReadSessionReference(ReadOnlySpan<byte> body) => null;

    /// <summary>
    /// Whether the gateway sent this body, checked on the raw bytes and headers with constant-time comparisons.
    /// <paramref name="credentials"/> are the attempt's tenant's credentials for this gateway (null when none are
    /// stored: then false). The sandbox ignores them and uses the platform's sandbox secret.
    /// </summary>
    bool Verify(ReadOnlySpan<byte> body, IWebhookHeaders headers, GatewayCredentials? credentials, Instant now);

    /// <summary>The full reading, after verification. Bad input is a Malformed result with a short reason, never an exception.</summary>
    WebhookParseResult Parse(ReadOnlySpan<byte> body, IWebhookHeaders headers);
}
