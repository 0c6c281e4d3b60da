using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using NodaTime;
using PayTrust.Application.Abstractions;

namespace PayTrust.Infrastructure;

/// <summary>Platform settings from configuration: PAYTRUST_PUBLIC_URL, PayTrust:DefaultGateway, checkout session lifetime, sandbox webhooks.</summary>
internal sealed class PlatformSettings(IConfiguration configuration) : IPlatformSettings
{
    public const string PublicUrlName = "PAYTRUST_PUBLIC_URL";
    public const string DefaultPublicUrl = "http://localhost:8080";

    public string PublicUrl { get; } = (configuration[PublicUrlName] is { Length: > 0 } url ? url : DefaultPublicUrl).TrimEnd('/');

    public string DefaultGateway { get; } = configuration["PayTrust:DefaultGateway"] is { Length: > 0 } gateway ? gateway : "sandbox";

    public Duration CheckoutSessionLifetime { get; } =
        Duration.FromMinutes(int.TryParse(configuration["PayTrust:Payments:SessionMinutes"], out var minutes) && minutes > 0 ? minutes : 24 * 60);

    // Strict: a value that is not true or false stops the start-up (Program) rather than leaving the sandbox on unnoticed.
    public bool SandboxEnabled { get; } = configuration["PayTrust:Sandbox:Enabled"] switch
    {
        null => true,
        var value when bool.TryParse(value, out var enabled) => enabled,
        var value => throw new InvalidOperationException($"PayTrust:Sandbox:Enabled must be true or false, not '{value}'"),
    };

    // Without a configured secret the sandbox signs with one made for this process: its own webhooks verify,
    // and nobody can forge one, but several instances would not accept each other's (README, configuration).
    public string SandboxWebhookSecret { get; } =
        configuration["PayTrust:Sandbox:WebhookSecret"] is { Length: > 0 } secret ? secret : Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    public string SandboxWebhookUrl => configuration["PayTrust:Sandbox:WebhookUrl"] is { Length: > 0 } url ? url : $"{PublicUrl}/webhooks/sandbox";
}
