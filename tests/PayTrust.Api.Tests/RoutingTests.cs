using System.Net;
using System.Net.Http.Json;
using Dapper;
using PayTrust.Api.Tests.Invoices;

namespace PayTrust.Api.Tests;

public class RoutingTests(PayTrustApiFactory factory) : IClassFixture<PayTrustApiFactory>
{
    [Fact]
    public async Task Invoices_route_by_own_gateway_then_method_rule_then_currency_default_then_platform_default()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        await InvoiceApi.SetGatewayCredentialsAsync(factory, tenant, "xendit", "midtrans");
        using var client = factory.TenantClient(tenant.ApiKey);
        await HttpAssert.JsonAsync(await client.PutAsJsonAsync("/routing-rules", new
        {
            rules = new object[]
            {
                new { currency_code = "IDR", payment_method = "card", gateway = "midtrans" },
                new { currency_code = "IDR", gateway = "xendit" },
            },
        }), HttpStatusCode.OK);

        Assert.Equal("midtrans", await RoutedGatewayAsync(tenant, "IDR", paymentMethod: "card"));
        Assert.Equal("xendit", await RoutedGatewayAsync(tenant, "IDR", paymentMethod: "virtual_account"));
        Assert.Equal("xendit", await RoutedGatewayAsync(tenant, "IDR"));
        Assert.Equal("sandbox", await RoutedGatewayAsync(tenant, "IDR", paymentMethod: "card", gateway: "sandbox"));
        Assert.Equal("sandbox", await RoutedGatewayAsync(tenant, "USD", paymentMethod: "card"));
        Assert.Equal("sandbox", await RoutedGatewayAsync(other, "IDR", paymentMethod: "card"));
    }

    [Fact]
    public async Task Rules_are_replaced_whole_and_listed_back()
    {
        var tenant = await factory.CreateTenantAsync();
        await InvoiceApi.SetGatewayCredentialsAsync(factory, tenant, "xendit");
        using var client = factory.TenantClient(tenant.ApiKey);
        await client.PutAsJsonAsync("/routing-rules", new { rules = new[] { new { currency_code = "MYR", payment_method = (string?)"card", gateway = "xendit" } } });

        await HttpAssert.JsonAsync(await client.PutAsJsonAsync("/routing-rules", new
        {
            rules = new[] { new { currency_code = "USD", payment_method = (string?)null, gateway = "xendit" }, new { currency_code = "IDR", payment_method = (string?)null, gateway = "sandbox" } },
        }), HttpStatusCode.OK);
        var listed = await HttpAssert.JsonAsync(await client.GetAsync("/routing-rules"), HttpStatusCode.OK);

        Assert.Equal(
            """[{"currency_code":"IDR","payment_method":null,"gateway":"sandbox"},{"currency_code":"USD","payment_method":null,"gateway":"xendit"}]""",
            listed.GetProperty("data").GetRawText());
    }

    [Theory]
    [InlineData("""{"rules":[{"currency_code":"USD","gateway":"midtrans"}]}""", HttpStatusCode.BadRequest, "unsupported_currency")]
    [InlineData("""{"rules":[null]}""", HttpStatusCode.BadRequest, "validation_failed")]
    [InlineData("""{"rules":[{"currency_code":"IDR","gateway":"paypal"}]}""", HttpStatusCode.BadRequest, "invalid_gateway")]
    [InlineData("""{"rules":[{"currency_code":"EUR","gateway":"sandbox"}]}""", HttpStatusCode.BadRequest, "invalid_currency")]
    [InlineData("""{"rules":[{"currency_code":"IDR","gateway":"sandbox"},{"currency_code":"IDR","gateway":"xendit"}]}""", HttpStatusCode.BadRequest, "duplicate_routing_rule")]
    [InlineData("""{"rules":[{"currency_code":"USD","gateway":"sandbox"},{"currency_code":"IDR","gateway":"midtrans"}]}""", HttpStatusCode.UnprocessableEntity, "credentials_missing")]
    public async Task Refused_rule_sets_leave_the_old_rules_in_place(string body, HttpStatusCode status, string code)
    {
        var tenant = await factory.CreateTenantAsync();
        await InvoiceApi.SetGatewayCredentialsAsync(factory, tenant, "xendit");
        using var client = factory.TenantClient(tenant.ApiKey);
        await HttpAssert.JsonAsync(await client.PutAsJsonAsync("/routing-rules", new { rules = new[] { new { currency_code = "MYR", gateway = "xendit" } } }), HttpStatusCode.OK);

        var response = await client.PutAsync("/routing-rules", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(code, (await HttpAssert.Problem.ReadAsync(response, status)).Code);
        await using var connection = await factory.Database.OpenAsync();
        Assert.Equal(["MYR:xendit"], await connection.QueryAsync<string>(
            "SELECT CONCAT(currency_code, ':', gateway_code) FROM tenant_routing_rules WHERE tenant_id = @TenantId", new { tenant.TenantId }));
    }

    [Fact]
    public async Task An_invoice_cannot_go_through_a_gateway_the_tenant_has_no_credentials_for()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var body = InvoiceApi.Body();
        body["gateway"] = "xendit";

        var response = await InvoiceApi.PostAsync(client, body);

        var problem = await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("credentials_missing", problem.Code);
        Assert.Equal(0, await InvoiceApi.CountRowsAsync(factory, tenant.TenantId));
    }

    private async Task<string?> RoutedGatewayAsync(TestTenant tenant, string currency, string? paymentMethod = null, string? gateway = null)
    {
        var body = InvoiceApi.Body();
        body["currency_code"] = currency;
        body.Remove("gateway");
        if (gateway is not null)
        {
            body["gateway"] = gateway;
        }

        if (paymentMethod is not null)
        {
            body["payment_method"] = paymentMethod;
        }

        return (await InvoiceApi.CreateAsync(factory, tenant, body)).GetProperty("gateway").GetString();
    }
}
