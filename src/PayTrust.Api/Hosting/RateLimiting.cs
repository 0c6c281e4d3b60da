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
    /// limited here (they are refused by authentication). Limits are per instance.
    /// </summary>
    public static IServiceCollection AddPayTrustRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimiterOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            // Read once: the partition factory below runs on every request.
            var permits = configuration.GetValue("PayTrust:RateLimit:PermitsPerMinute", DefaultPermitsPerMinute);
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
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
        });
        services.AddRateLimiter(options =>
        {
            options.OnRejected = async (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;
                rejected.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await ProblemResponses.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests",
                    $"This API key has used its requests for this minute; retry after {retryAfter} seconds.");
            };
        });
        return services;
    }
}
