using System.Diagnostics;
using PayTrust.Infrastructure.Security;

namespace PayTrust.Api.Tests;

/// <summary>Start-up refusals of the real binary: one line on stderr and exit code 1, never the secret itself.</summary>
public class AdminKeyStartupTests
{
    /// <summary>A pepper of the deployment's own, for the starts that must get past the pepper check.</summary>
    private const string StartupPepper = "startup-test-pepper-0123456789abcdef";

    [Theory]
    [InlineData(null, "ADMIN_API_KEY is not set")]
    [InlineData("short-key", "ADMIN_API_KEY is 9 characters long; it must be at least 32.")]
    [InlineData("a key with spaces in it that is long enough", "ADMIN_API_KEY may contain only letters, digits and ASCII symbols")]
    [InlineData("ключ-администратора-0123456789abcdef", "ADMIN_API_KEY may contain only letters, digits and ASCII symbols")]
    public async Task The_service_refuses_to_start_with_a_bad_admin_key(string? adminKey, string reason)
    {
        var line = await RefusalLineAsync(new Dictionary<string, string?> { ["ADMIN_API_KEY"] = adminKey });

        Assert.StartsWith($"PayTrust cannot start: {reason}", line, StringComparison.Ordinal);
        if (adminKey is not null)
        {
            Assert.DoesNotContain(adminKey, line, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(null, "PayTrust:CredentialsKey (environment PayTrust__CredentialsKey) is not set")]
    [InlineData("c2hvcnQ=", "PayTrust:CredentialsKey must be 32 bytes in base64")]
    public async Task The_service_refuses_to_start_outside_development_without_a_credentials_key(string? credentialsKey, string reason)
    {
        var line = await RefusalLineAsync(new Dictionary<string, string?>
        {
            ["ADMIN_API_KEY"] = PayTrustApiFactory.AdminKey,
            ["PayTrust__CredentialsKey"] = credentialsKey,
        });

        Assert.StartsWith($"PayTrust cannot start: {reason}", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "PayTrust:ApiKeyPepper (environment PayTrust__ApiKeyPepper) is not set")]
    [InlineData("", "PayTrust:ApiKeyPepper (environment PayTrust__ApiKeyPepper) is not set")]
    [InlineData(ApiKeyPepper.DevelopmentValue, "PayTrust:ApiKeyPepper is the built-in development value")]
    public async Task The_service_refuses_to_start_outside_development_without_a_pepper_of_its_own(string? pepper, string reason)
    {
        var line = await RefusalLineAsync(new Dictionary<string, string?>
        {
            ["ADMIN_API_KEY"] = PayTrustApiFactory.AdminKey,
            ["PayTrust__CredentialsKey"] = PayTrustApiFactory.CredentialsKey,
            ["PayTrust__ApiKeyPepper"] = pepper,
        });

        Assert.StartsWith($"PayTrust cannot start: {reason}", line, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKeyPepper.DevelopmentValue, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_environment_setting_beside_the_hosts_own_does_not_make_production_look_like_development()
    {
        // ENVIRONMENT (unprefixed) lands in configuration as "environment"; the host still runs in Production.
        var line = await RefusalLineAsync(new Dictionary<string, string?>
        {
            ["ADMIN_API_KEY"] = PayTrustApiFactory.AdminKey,
            ["PayTrust__CredentialsKey"] = PayTrustApiFactory.CredentialsKey,
            ["PayTrust__ApiKeyPepper"] = StartupPepper,
            ["ENVIRONMENT"] = "Development",
            ["PayTrust__DefaultGateway"] = null,
        });

        Assert.StartsWith("PayTrust cannot start: the sandbox gateway is off outside Development", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "the sandbox gateway is off outside Development unless PayTrust:Sandbox:Enabled is true, so PayTrust:DefaultGateway")]
    [InlineData("false", "PayTrust:Sandbox:Enabled is false, so PayTrust:DefaultGateway")]
    [InlineData("off", "PayTrust:Sandbox:Enabled must be true or false, not 'off'")]
    [InlineData("", "PayTrust:Sandbox:Enabled must be true or false, not ''")]
    public async Task The_service_refuses_to_start_with_the_sandbox_switch_unreadable_or_off_while_it_is_the_default_gateway(string? enabled, string reason)
    {
        var line = await RefusalLineAsync(new Dictionary<string, string?>
        {
            ["ADMIN_API_KEY"] = PayTrustApiFactory.AdminKey,
            ["PayTrust__CredentialsKey"] = PayTrustApiFactory.CredentialsKey,
            ["PayTrust__ApiKeyPepper"] = StartupPepper,
            ["PayTrust__Sandbox__Enabled"] = enabled,
            ["PayTrust__DefaultGateway"] = null,
        });

        Assert.StartsWith($"PayTrust cannot start: {reason}", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PayTrust__RateLimit__Anonymous__PagesPerMinute", "0", "PayTrust:RateLimit:Anonymous:PagesPerMinute must be a whole number of at least 1 (it is '0')")]
    [InlineData("PayTrust__RateLimit__FailedAuthPerMinute", "lots", "PayTrust:RateLimit:FailedAuthPerMinute must be a whole number of at least 1 (it is 'lots')")]
    [InlineData("PayTrust__ForwardedHeaders__KnownProxies", "10.0.0.1, proxy.internal", "PayTrust:ForwardedHeaders:KnownProxies: 'proxy.internal' is neither an IP address nor a network")]
    public async Task The_service_refuses_to_start_with_an_unreadable_throttle_setting(string setting, string value, string reason)
    {
        var line = await RefusalLineAsync(new Dictionary<string, string?>
        {
            ["ADMIN_API_KEY"] = PayTrustApiFactory.AdminKey,
            ["PayTrust__CredentialsKey"] = PayTrustApiFactory.CredentialsKey,
            ["PayTrust__ApiKeyPepper"] = StartupPepper,
            ["PayTrust__DefaultGateway"] = "xendit",
            [setting] = value,
        });

        Assert.StartsWith($"PayTrust cannot start: {reason}", line, StringComparison.Ordinal);
    }

    /// <summary>Launches the API in Production with these settings (null: unset) and returns its single stderr line.</summary>
    private static async Task<string> RefusalLineAsync(Dictionary<string, string?> settings)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "PayTrust.Api.dll"), "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__PayTrust"] = "Server=127.0.0.1;Port=1;User ID=x;Password=x;Database=x";
        foreach (var (name, value) in settings)
        {
            start.Environment.Remove(name);
            if (value is not null)
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the service started anyway");

        Assert.Equal(1, process.ExitCode);
        return Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
