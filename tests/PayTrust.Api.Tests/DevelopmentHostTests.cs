using System.Net;
using Microsoft.AspNetCore.Hosting;

namespace PayTrust.Api.Tests;

/// <summary>The API as `dotnet run` starts it: Development, where the container validates every registration's lifetime at start-up.</summary>
public sealed class DevelopmentApiFactory : PayTrustApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Development");
    }

    // Development has its own credentials key and turns the sandbox on by itself; leave our settings out so those paths are
    // the ones exercised.
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["PayTrust:CredentialsKey"] = null,
        ["PayTrust:Sandbox:Enabled"] = null,
    };
}

public class DevelopmentHostTests(DevelopmentApiFactory factory) : IClassFixture<DevelopmentApiFactory>
{
    [Fact]
    public async Task The_development_host_starts_with_scope_validation_its_own_credentials_key_and_the_sandbox_on()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);

        var health = await client.GetAsync("/health");
        var credentials = await client.PutAsync("/gateways/midtrans/credentials",
            new StringContent("""{"mode":"sandbox","server_key":"SB-Mid-server-development-key"}""", System.Text.Encoding.UTF8, "application/json"));
        var gateways = await HttpAssert.JsonAsync(await client.GetAsync("/gateways"), HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, credentials.StatusCode);
        Assert.Contains("sandbox", gateways.GetProperty("data").EnumerateArray().Select(gateway => gateway.GetProperty("code").GetString()));
    }
}
