using System.Globalization;
using System.Net;
using static PayTrust.Api.Tests.ClientAddressThrottlingTests;

namespace PayTrust.Api.Tests;

/// <summary>An instance behind a proxy the operator listed: X-Forwarded-For names the client.</summary>
public sealed class BehindProxyApiFactory : PayTrustApiFactory
{
    public const int FailedAuthPerMinute = 2;

    public static readonly IPAddress Proxy = IPAddress.Parse("10.20.30.40");

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["PayTrust:ForwardedHeaders:KnownProxies"] = "192.0.2.1, 10.20.30.0/24",
        ["PayTrust:RateLimit:FailedAuthPerMinute"] = FailedAuthPerMinute.ToString(CultureInfo.InvariantCulture),
    };
}

public class ForwardedHeadersTests(BehindProxyApiFactory factory) : IClassFixture<BehindProxyApiFactory>
{
    [Fact]
    public async Task Behind_a_listed_proxy_each_forwarded_client_has_its_own_budget()
    {
        var tenant = await factory.CreateTenantAsync();
        var attacker = NewAddress();
        using var proxy = factory.ClientFrom(BehindProxyApiFactory.Proxy);

        for (var i = 0; i < BehindProxyApiFactory.FailedAuthPerMinute; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(proxy, "ptk_wrong", forwardedFor: attacker)).StatusCode);
        }

        await AssertRateLimitedAsync(await SendAsync(proxy, tenant.ApiKey, forwardedFor: attacker));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(proxy, tenant.ApiKey, forwardedFor: NewAddress())).StatusCode);
    }

    [Fact]
    public async Task A_client_cannot_choose_its_address_by_sending_x_forwarded_for_through_the_proxy()
    {
        var tenant = await factory.CreateTenantAsync();
        var attacker = NewAddress();
        using var proxy = factory.ClientFrom(BehindProxyApiFactory.Proxy);

        // The proxy appends the address it saw; whatever the client wrote before it is not believed.
        for (var i = 0; i < BehindProxyApiFactory.FailedAuthPerMinute; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(proxy, "ptk_wrong", $"{NewAddress()}, {attacker}")).StatusCode);
        }

        await AssertRateLimitedAsync(await SendAsync(proxy, tenant.ApiKey, $"{NewAddress()}, {attacker}"));
    }
}
