using PayTrust.Application.Abstractions;

namespace PayTrust.Api.Hosting;

/// <summary>
/// Start-up check of PayTrust:Sandbox:Enabled (ADR 12): a value that is not true or false, or the sandbox switched off
/// while it is still the platform's default gateway, stops the service with one line instead of starting it wrong.
/// </summary>
public static class SandboxSwitch
{
    public static string? Problem(IServiceProvider services)
    {
        IPlatformSettings platform;
        try
        {
            platform = services.GetRequiredService<IPlatformSettings>();
        }
        catch (InvalidOperationException invalid) when (invalid.Message.StartsWith("PayTrust:Sandbox:Enabled", StringComparison.Ordinal))
        {
            return invalid.Message;
        }

        return platform is { SandboxEnabled: false, DefaultGateway: "sandbox" }
            ? "PayTrust:Sandbox:Enabled is false, so PayTrust:DefaultGateway (default sandbox) must name another gateway, such as xendit or midtrans"
            : null;
    }
}
