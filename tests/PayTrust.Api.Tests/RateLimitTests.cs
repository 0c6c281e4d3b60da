using System.Net;
using static PayTrust.Api.Tests.HttpAssert;

namespace PayTrust.Api.Tests;

public sealed class LowRateLimitFactory : PayTrustApiFactory
{
    protected override IDictionary<string, string?> ExtraSettings =>
        new Dictionary<string, string?> { ["PayTrust:RateLimit:PermitsPerMinute"] = "3" };
}

public class RateLimitTests(LowRateLimitFactory factory) : IClassFixture<LowRateLimitFactory>
{
    [Fact]
    public async Task A_key_over_its_limit_gets_429_with_retry_after_and_other_keys_are_unaffected()
    {
        var first = await factory.CreateTenantAsync("Busy");
        var second = await factory.CreateTenantAsync("Quiet");
        using var busy = factory.TenantClient(first.ApiKey);
        using var quiet = factory.TenantClient(second.ApiKey);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync("/gateways")).StatusCode);
        }

        var limited = await busy.GetAsync("/gateways");
        Assert.Equal("rate_limited", (await Problem.ReadAsync(limited, HttpStatusCode.TooManyRequests)).Code);
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal(HttpStatusCode.OK, (await quiet.GetAsync("/gateways")).StatusCode);
        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
    }
}
