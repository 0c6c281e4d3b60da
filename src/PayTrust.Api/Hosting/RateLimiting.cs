using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using PayTrust.Api.Errors;
using PayTrust.Api.Security;

namespace PayTrust.Api.Hosting;

public static class RateLimiting
{
    public const int DefaultPermitsPerMinute = 1000;

    /// <summary>
    /// Per API key: <c>PayTrust:RateLimit:PermitsPerMinute</c> requests per minute (default 1,000),
    /// ASP.NET Core's limiter partitioned by the authenticated key id. Requests without a key are not
    /// limited here: anonymous routes and failed authentication are throttled per client address, earlier
    /// in the pipeline (<see cref="ClientAddressThrottling"/>). Limits are per instance.
    /// </summary>
    public static IServiceCollection AddPayTrustRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimiterOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            // Read once: the partition factory below runs on every request.
            var permits = RateLimitSettings.From(configuration).PermitsPerMinute;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var keyId = context.User.FindFirstValue(PayTrustClaims.ApiKeyId);
                if (keyId is null)
                {
                    return RateLimitPartition.GetNoLimiter("anonymous");
                }

                return RateLimitPartition.GetFixedWindowLimiter(keyId, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = RateLimitSettings.Window,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
        });
        services.AddRateLimiter(options => options.OnRejected = (rejected, _) =>
            RejectAsync(rejected, "This API key has used its requests for this minute"));
        services.AddSingleton<AnonymousRateLimiter>();
        services.AddSingleton<FailedAuthenticationBudgets>();
        return services;
    }

    /// <summary>429 <c>rate_limited</c> with <c>Retry-After</c> taken from the limiter's refusal.</summary>
    internal static ValueTask RejectAsync(OnRejectedContext rejected, string reason) =>
        new(WriteRateLimitedAsync(
            rejected.HttpContext,
            rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : RateLimitSettings.Window,
            reason));

    /// <summary>The one shape of every 429: problem+json <c>rate_limited</c> and <c>Retry-After</c> in whole seconds (at least 1).</summary>
    internal static Task WriteRateLimitedAsync(HttpContext context, TimeSpan retryAfter, string reason)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ProblemResponses.WriteAsync(context, StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests",
            $"{reason}; retry after {seconds} seconds.");
    }
}

/// <summary>
/// Every limit under <c>PayTrust:RateLimit</c>, per instance and per one-minute window. The defaults and why they
/// are what they are: ADR 28.
/// </summary>
internal sealed record RateLimitSettings(
    int PermitsPerMinute, int WebhooksPerMinute, int PagesPerMinute, int FailedAuthPerMinute, int FailedWebhooksPerMinute)
{
    public const string Section = "PayTrust:RateLimit";

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private static readonly (string Key, int Default)[] Settings =
    [
        ("PermitsPerMinute", RateLimiting.DefaultPermitsPerMinute),
        ("Anonymous:WebhooksPerMinute", 10_000),
        ("Anonymous:PagesPerMinute", 300),
        ("FailedAuthPerMinute", 100),
        ("FailedWebhooksPerMinute", 1_000),
    ];

    public static RateLimitSettings From(IConfiguration configuration)
    {
        var values = Settings.Select(setting => Read(configuration, setting.Key, setting.Default) ?? setting.Default).ToArray();
        return new RateLimitSettings(values[0], values[1], values[2], values[3], values[4]);
    }

    /// <summary>Why the service cannot start with these settings (a limit that is not a whole number of at least 1), or null.</summary>
    public static string? Problem(IConfiguration configuration) =>
        Settings.Where(setting => Read(configuration, setting.Key, setting.Default) is null)
            .Select(setting => $"{Section}:{setting.Key} must be a whole number of at least 1 (it is '{configuration[$"{Section}:{setting.Key}"]}').")
            .FirstOrDefault();

    private static int? Read(IConfiguration configuration, string key, int fallback) =>
        configuration[$"{Section}:{key}"] is not { } text
            ? fallback
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 ? value : null;
}
