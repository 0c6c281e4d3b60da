using Microsoft.Extensions.Configuration;
using PayTrust.Application.Abstractions;

namespace PayTrust.Infrastructure;

/// <summary>Platform settings from configuration: PAYTRUST_PUBLIC_URL and PayTrust:DefaultGateway.</summary>
internal sealed class PlatformSettings(IConfiguration configuration) : IPlatformSettings
{
    public const string PublicUrlName = "PAYTRUST_PUBLIC_URL";
    public const string DefaultPublicUrl = "http://localhost:8080";

    public string PublicUrl { get; } = (configuration[PublicUrlName] is { Length: > 0 } url ? url : DefaultPublicUrl).TrimEnd('/');

    public string DefaultGateway { get; } = configuration["PayTrust:DefaultGateway"] is { Length: > 0 } gateway ? gateway : "sandbox";
}
