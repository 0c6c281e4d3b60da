namespace PayTrust.Application.Abstractions;

/// <summary>Platform configuration the use cases need.</summary>
public interface IPlatformSettings
{
    /// <summary>Where customers reach this service (PAYTRUST_PUBLIC_URL), without a trailing slash.</summary>
    string PublicUrl { get; }

    /// <summary>The gateway used when neither the request nor the tenant's routing names one (PayTrust:DefaultGateway).</summary>
    string DefaultGateway { get; }

    /// <summary>How long a new checkout session stays open at most (PayTrust:Payments:SessionMinutes, default 24 h).</summary>
    NodaTime.Duration CheckoutSessionLifetime { get; }

    /// <summary>
    /// Whether the built-in sandbox gateway is offered (PayTrust:Sandbox:Enabled; unset, on in Development only). Its
    /// checkout page needs no credentials and marks invoices paid at a click, which is what demos, tests and benchmarks
    /// want (they switch it on) and what a production platform must not offer: while it is off no invoice can be routed to
    /// it, its pages and webhooks are 404, and an existing sandbox invoice cannot open a checkout (ADR 12).
    /// </summary>
    bool SandboxEnabled { get; }

    /// <summary>
    /// Whether the platform offers the gateway to new invoices, routing rules, checkouts and webhooks: every gateway, except
    /// the built-in sandbox while it is switched off. Stored invoices and reports still see the whole catalogue.
    /// </summary>
    bool Offers(string gateway) => SandboxEnabled || gateway != Features.Sandbox.SandboxCheckoutGateway.GatewayCode;

    /// <summary>The secret the sandbox gateway signs its webhooks with (PayTrust:Sandbox:WebhookSecret).</summary>
    string SandboxWebhookSecret { get; }

    /// <summary>Where the sandbox checkout sends its webhooks (PayTrust:Sandbox:WebhookUrl, default {PublicUrl}/webhooks/sandbox).</summary>
    string SandboxWebhookUrl { get; }

    string PaymentUrl(string paymentToken) => $"{PublicUrl}/pay/{paymentToken}";

    /// <summary>The sandbox checkout page of a session, addressed by its token (ADR 12), never by the attempt reference.</summary>
    string SandboxCheckoutUrl(string sessionToken) => $"{PublicUrl}/sandbox/checkout/{sessionToken}";
}
