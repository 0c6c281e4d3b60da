namespace PayTrust.Application.Abstractions;

/// <summary>The webhook headers the protocols read, and which headers are never stored.</summary>
public static class WebhookHeaderNames
{
    /// <summary>Xendit's callback verification token: the tenant's secret, sent as is.</summary>
    public const string XenditCallbackToken = "x-callback-token";

    /// <summary>Xendit's id of one webhook delivery, the same on every retry of it: the dedup key when present.</summary>
    public const string XenditWebhookId = "webhook-id";

    /// <summary>The sandbox's signature header (see SandboxWebhookSignature).</summary>
    public const string PayTrustSignature = "PayTrust-Signature";

    private static readonly HashSet<string> Secrets = new(StringComparer.OrdinalIgnoreCase)
    {
        XenditCallbackToken,
        PayTrustSignature,
        "Authorization",
        "Proxy-Authorization",
        "Cookie",
    };

    /// <summary>Headers that carry a secret or a signature over one: kept out of storage and logs.</summary>
    public static bool IsSecret(string name) => Secrets.Contains(name);
}
