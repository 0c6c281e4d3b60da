using Microsoft.Extensions.Configuration;

namespace PayTrust.Infrastructure.Gateways;

/// <summary>
/// Where each gateway call goes (spec §7.3): the configured base URL if there is one (stand-ins, proxies),
/// else the real host for the credential's mode. Chosen per call, because one process serves tenants in
/// both modes.
/// </summary>
internal static class GatewayEndpoints
{
    public const string XenditBaseUrlKey = "PayTrust:Gateways:Xendit:BaseUrl";
    public const string MidtransSnapBaseUrlKey = "PayTrust:Gateways:Midtrans:SnapBaseUrl";
    public const string MidtransCoreBaseUrlKey = "PayTrust:Gateways:Midtrans:CoreBaseUrl";
    public const string TimeoutSecondsKey = "PayTrust:Gateways:TimeoutSeconds";
    public const double DefaultTimeoutSeconds = 15;

    public const string Production = "production";

    /// <summary>Xendit uses one host for test and live keys; the key decides the mode.</summary>
    public static Uri XenditBaseUrl(IConfiguration configuration, string mode) =>
        Configured(configuration, XenditBaseUrlKey) ?? new Uri("https://api.xendit.co");

    public static Uri MidtransSnapBaseUrl(IConfiguration configuration, string mode) =>
        Configured(configuration, MidtransSnapBaseUrlKey)
        ?? new Uri(IsProduction(mode) ? "https://app.midtrans.com" : "https://app.sandbox.midtrans.com");

    public static Uri MidtransCoreBaseUrl(IConfiguration configuration, string mode) =>
        Configured(configuration, MidtransCoreBaseUrlKey)
        ?? new Uri(IsProduction(mode) ? "https://api.midtrans.com" : "https://api.sandbox.midtrans.com");

    /// <summary>Joins a base URL (with or without a path or trailing slash) and an absolute API path.</summary>
    public static Uri Combine(Uri baseUrl, string path) => new(baseUrl.AbsoluteUri.TrimEnd('/') + path, UriKind.Absolute);

    public static TimeSpan Timeout(IConfiguration configuration)
    {
        var seconds = configuration.GetValue(TimeoutSecondsKey, DefaultTimeoutSeconds);
        return seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new InvalidOperationException($"{TimeoutSecondsKey} must be a positive number of seconds.");
    }

    // Anything but an explicit "production" talks to the sandbox: a wrong mode must never move real money.
    private static bool IsProduction(string mode) => string.Equals(mode, Production, StringComparison.Ordinal);

    private static Uri? Configured(IConfiguration configuration, string key)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new InvalidOperationException($"{key} must be an absolute http(s) URL.");
    }
}
