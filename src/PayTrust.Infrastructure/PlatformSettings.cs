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

    public string DefaultGateway { get; } = DefaultGatewayOf(configuration);

    public Duration CheckoutSessionLifetime { get; } =
        Duration.FromMinutes(int.TryParse(configuration["PayTrust:Payments:SessionMinutes"], out var minutes) && minutes > 0 ? minutes : 24 * 60);

    // Program refuses to start on a value that is not true or false (SandboxSetting.Problem), so none reaches here.
    public bool SandboxEnabled { get; } = SandboxSetting.IsEnabled(configuration);

    // Without a configured secret the sandbox signs with one made for this process: its own webhooks verify,
    // and nobody can forge one, but several instances would not accept each other's (README, configuration).
    public string SandboxWebhookSecret { get; } =
        configuration["PayTrust:Sandbox:WebhookSecret"] is { Length: > 0 } secret ? secret : Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    public string SandboxWebhookUrl => configuration["PayTrust:Sandbox:WebhookUrl"] is { Length: > 0 } url ? url : $"{PublicUrl}/webhooks/sandbox";

    internal static string DefaultGatewayOf(IConfiguration configuration) =>
        configuration["PayTrust:DefaultGateway"] is { Length: > 0 } gateway ? gateway : "sandbox";
}

/// <summary>
/// PayTrust:Sandbox:Enabled (ADR 12), read strictly: true or false as written; unset is on in Development only, because the
/// sandbox's checkout marks invoices paid at a click and nothing insecure may be on by default elsewhere (spec §13).
/// Anything else, an empty value included, stops the start-up rather than leaving the sandbox on or off unnoticed, and so
/// does the sandbox being off while it is still the platform's default gateway.
/// </summary>
public static class SandboxSetting
{
    public const string ConfigurationName = "PayTrust:Sandbox:Enabled";
    private const string SandboxGateway = "sandbox";

    /// <summary>Whether the sandbox is offered: as configured; when unset, only in Development.</summary>
    public static bool IsEnabled(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Enabled(configuration[ConfigurationName]) ?? HostEnvironment.IsDevelopment(configuration);
    }

    /// <returns>null when the setting is usable, else why not.</returns>
    public static string? Problem(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[ConfigurationName];
        if (configured is not null && Enabled(configured) is null)
        {
            return $"{ConfigurationName} must be true or false, not '{configured}'";
        }

        if (IsEnabled(configuration) || PlatformSettings.DefaultGatewayOf(configuration) != SandboxGateway)
        {
            return null;
        }

        var why = configured is null ? $"the sandbox gateway is off outside Development unless {ConfigurationName} is true" : $"{ConfigurationName} is false";
        return $"{why}, so PayTrust:DefaultGateway (default sandbox) must name another gateway, such as xendit or midtrans";
    }

    /// <summary>true or false as configured; null when unset or not a boolean.</summary>
    internal static bool? Enabled(string? configured) => bool.TryParse(configured, out var enabled) ? enabled : null;
}
