using System.Text;
using Microsoft.Extensions.Configuration;

namespace PayTrust.Infrastructure.Security;

/// <summary>
/// The API key pepper: PayTrust:ApiKeyPepper, the secret key of the HMAC under which API keys are stored. Development falls
/// back to a built-in value; anywhere else the service refuses to start without a pepper of its own, because keys hashed
/// under a value published in this repository could be checked against a stolen database.
/// </summary>
public static class ApiKeyPepper
{
    public const string ConfigurationName = "PayTrust:ApiKeyPepper";
    public const string EnvironmentName = "PayTrust__ApiKeyPepper";

    /// <summary>For local development only.</summary>
    public const string DevelopmentValue = "paytrust-development-pepper-not-for-production";

    /// <returns>null when usable, else why not (never the pepper itself).</returns>
    public static string? Problem(string? configured, bool isDevelopment)
    {
        if (isDevelopment)
        {
            return null;
        }

        if (string.IsNullOrEmpty(configured))
        {
            return $"{ConfigurationName} (environment {EnvironmentName}) is not set; set it to a long random secret (./build.sh run generates one).";
        }

        return configured == DevelopmentValue
            ? $"{ConfigurationName} is the built-in development value; set it to a long random secret of this deployment's own."
            : null;
    }

    /// <summary>The pepper for this host: from configuration, or the development value in Development when none is set.</summary>
    public static byte[] Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[ConfigurationName];
        var isDevelopment = HostEnvironment.IsDevelopment(configuration);
        if (Problem(configured, isDevelopment) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        return Encoding.UTF8.GetBytes(string.IsNullOrEmpty(configured) ? DevelopmentValue : configured);
    }
}
