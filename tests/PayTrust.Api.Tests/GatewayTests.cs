using System.Net;
using System.Text.Json;
using Snapshooter.Xunit;

namespace PayTrust.Api.Tests;

public class GatewayTests(PayTrustApiFactory factory) : IClassFixture<PayTrustApiFactory>
{
    [Fact]
    public async Task Lists_gateways_with_currencies_and_fee_rules()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);

        var response = await client.GetAsync("/gateways");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = await response.Content.ReadAsStringAsync();
        var gateways = JsonDocument.Parse(json).RootElement.GetProperty("data");
        var midtrans = gateways.EnumerateArray().Single(g => g.GetProperty("code").GetString() == "midtrans");
        Assert.Equal(["IDR"], midtrans.GetProperty("currencies").EnumerateArray().Select(c => c.GetProperty("currency_code").GetString()));
        // The response shape is pinned: a change to names, nesting or formats fails here first.
        Snapshot.Match(JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement, new JsonSerializerOptions { WriteIndented = true }));
    }
}

public class GatewayAuthenticationTests(PayTrustApiFactory factory) : IClassFixture<PayTrustApiFactory>
{
    [Fact]
    public async Task Gateways_need_a_tenant_key()
    {
        using var anonymous = factory.CreateClient();

        var response = await anonymous.GetAsync("/gateways");

        Assert.Equal("missing_api_key", (await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.Unauthorized)).Code);
    }
}
