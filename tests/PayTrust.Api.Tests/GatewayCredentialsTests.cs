using System.Net;
using System.Net.Http.Json;
using Dapper;

namespace PayTrust.Api.Tests;

public class GatewayCredentialsTests(LogCapturingApiFactory factory) : IClassFixture<LogCapturingApiFactory>
{
    private const string XenditSecret = "xnd_development_P4qDfOss0OCpl8RtKrROHjaQYNCk9dN5lSfk+R1l9Wbe+rSiCwZ3jw==";
    private const string CallbackToken = "cbt_9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    private const string MidtransServerKey = "SB-Mid-server-TvgWB_Y9s81-rbMBH7zZ8BHW";

    [Fact]
    public async Task Credentials_are_stored_encrypted_and_only_ever_shown_redacted()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);

        var put = await client.PutAsJsonAsync("/gateways/xendit/credentials", new { mode = "sandbox", secret_key = XenditSecret, callback_token = CallbackToken });
        var get = await client.GetAsync("/gateways/xendit/credentials");

        var saved = await HttpAssert.JsonAsync(put, HttpStatusCode.OK);
        var read = await HttpAssert.JsonAsync(get, HttpStatusCode.OK);
        Assert.Equal("xendit", read.GetProperty("gateway").GetString());
        Assert.Equal("sandbox", read.GetProperty("mode").GetString());
        Assert.Equal("••••" + XenditSecret[^4..], read.GetProperty("secret_key").GetString());
        Assert.Equal("••••" + CallbackToken[^4..], read.GetProperty("callback_token").GetString());
        Assert.Equal(saved.GetRawText(), read.GetRawText());
        await using var connection = await factory.Database.OpenAsync();
        var stored = await connection.QuerySingleAsync<byte[]>("SELECT secrets FROM tenant_gateway_credentials WHERE tenant_id = @TenantId", new { tenant.TenantId });
        Assert.DoesNotContain(XenditSecret[..20], System.Text.Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        Assert.DoesNotContain(CallbackToken[..20], System.Text.Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setting_them_again_replaces_them()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        await client.PutAsJsonAsync("/gateways/midtrans/credentials", new { mode = "sandbox", server_key = MidtransServerKey });

        var replaced = await HttpAssert.JsonAsync(
            await client.PutAsJsonAsync("/gateways/midtrans/credentials", new { mode = "production", server_key = "Mid-server-PRODUCTION-key-0000wxyz" }), HttpStatusCode.OK);

        Assert.Equal("production", replaced.GetProperty("mode").GetString());
        Assert.Equal("••••wxyz", (await HttpAssert.JsonAsync(await client.GetAsync("/gateways/midtrans/credentials"), HttpStatusCode.OK)).GetProperty("server_key").GetString());
    }

    [Theory]
    [InlineData("xendit", """{"mode":"sandbox","secret_key":"xnd_x"}""", "credentials_missing")]
    [InlineData("midtrans", """{"mode":"sandbox"}""", "credentials_missing")]
    [InlineData("midtrans", """{"mode":"live","server_key":"SB-Mid-server-1"}""", "invalid_mode")]
    [InlineData("sandbox", """{"mode":"sandbox","secret_key":"x"}""", "credentials_not_required")]
    [InlineData("paypal", """{"mode":"sandbox","secret_key":"x","callback_token":"y"}""", "invalid_gateway")]
    [InlineData("midtrans", """{"mode":"sandbox","server_key":"SB-Mid-server-ключ"}""", "validation_failed")]
    public async Task Incomplete_or_misplaced_credentials_are_400_and_change_nothing(string gateway, string body, string code)
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);

        var response = await client.PutAsync($"/gateways/{gateway}/credentials", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(code, (await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.BadRequest)).Code);
        await using var connection = await factory.Database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tenant_gateway_credentials WHERE tenant_id = @TenantId", new { tenant.TenantId }));
    }

    [Fact]
    public async Task The_longest_keys_with_every_printable_symbol_are_stored()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var symbols = string.Concat(Enumerable.Range('!', '~' - '!' + 1).Select(c => (char)c));
        var longest = string.Concat(Enumerable.Repeat(symbols, 3))[..255];

        var put = await client.PutAsJsonAsync("/gateways/xendit/credentials", new { mode = "production", secret_key = longest, callback_token = longest });

        Assert.Equal("••••" + longest[^4..], (await HttpAssert.JsonAsync(put, HttpStatusCode.OK)).GetProperty("secret_key").GetString());
    }

    [Fact]
    public async Task Another_tenant_never_sees_or_changes_them()
    {
        var owner = await factory.CreateTenantAsync("Owner");
        var other = await factory.CreateTenantAsync("Other");
        using var ownerClient = factory.TenantClient(owner.ApiKey);
        using var otherClient = factory.TenantClient(other.ApiKey);
        await ownerClient.PutAsJsonAsync("/gateways/xendit/credentials", new { mode = "sandbox", secret_key = XenditSecret, callback_token = CallbackToken });

        var peek = await otherClient.GetAsync("/gateways/xendit/credentials");
        await otherClient.PutAsJsonAsync("/gateways/xendit/credentials", new { mode = "production", secret_key = "xnd_production_other_tenant_0000", callback_token = "other-token-0000000000" });

        Assert.Equal("credentials_not_found", (await HttpAssert.Problem.ReadAsync(peek, HttpStatusCode.NotFound)).Code);
        var ownerView = await HttpAssert.JsonAsync(await ownerClient.GetAsync("/gateways/xendit/credentials"), HttpStatusCode.OK);
        Assert.Equal("sandbox", ownerView.GetProperty("mode").GetString());
        Assert.Equal("••••" + XenditSecret[^4..], ownerView.GetProperty("secret_key").GetString());
    }

    [Fact]
    public async Task Secrets_never_reach_the_logs()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);

        await client.PutAsJsonAsync("/gateways/xendit/credentials", new { mode = "sandbox", secret_key = XenditSecret, callback_token = CallbackToken });
        await client.PutAsJsonAsync("/gateways/midtrans/credentials", new { mode = "sandbox", server_key = MidtransServerKey });
        await client.PutAsJsonAsync("/gateways/midtrans/credentials", new { mode = "bogus", server_key = MidtransServerKey });
        await client.GetAsync("/gateways/xendit/credentials");

        Assert.NotEmpty(factory.Events);
        foreach (var logged in factory.Events)
        {
            using var text = new StringWriter();
            new Serilog.Formatting.Compact.CompactJsonFormatter().Format(logged, text);
            foreach (var secret in new[] { XenditSecret, CallbackToken, MidtransServerKey })
            {
                Assert.DoesNotContain(secret, text.ToString(), StringComparison.Ordinal);
            }
        }
    }
}
