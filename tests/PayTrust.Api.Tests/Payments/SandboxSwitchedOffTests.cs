using System.Net;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using PayTrust.Api.Tests.Invoices;

namespace PayTrust.Api.Tests.Payments;

/// <summary>The platform with its built-in sandbox switched off, as a production deployment would run it.</summary>
public sealed class SandboxOffApiFactory : StandInApiFactory
{
    protected override IDictionary<string, string?> MoreSettings => new Dictionary<string, string?>
    {
        ["PayTrust:Sandbox:Enabled"] = "false",
        ["PayTrust:DefaultGateway"] = "xendit",
    };
}

/// <summary>
/// PayTrust:Sandbox:Enabled = false (ADR 12): the sandbox's checkout marks invoices paid at a click, so a platform that
/// switches it off must leave nobody a way to reach it — to route to it, open its page, send its webhooks or open a
/// checkout on an invoice routed to it before.
/// </summary>
public class SandboxSwitchedOffTests(SandboxOffApiFactory factory) : IClassFixture<SandboxOffApiFactory>
{
    [Fact]
    public async Task The_sandbox_is_not_listed_and_an_invoice_cannot_name_it_or_be_routed_to_it()
    {
        var tenant = await factory.CreateTenantAsync();
        await InvoiceApi.SetGatewayCredentialsAsync(factory, tenant, "xendit");
        using var client = factory.TenantClient(tenant.ApiKey);

        var gateways = await HttpAssert.JsonAsync(await client.GetAsync("/gateways"), HttpStatusCode.OK);
        var named = InvoiceApi.OneMillionRupiah();
        named["gateway"] = "sandbox";
        var refused = await HttpAssert.Problem.ReadAsync(await InvoiceApi.PostAsync(client, named), HttpStatusCode.BadRequest);
        var unnamed = InvoiceApi.OneMillionRupiah();
        unnamed.Remove("gateway");
        var routed = await InvoiceApi.CreateAsync(factory, tenant, unnamed);

        Assert.DoesNotContain("sandbox", gateways.GetProperty("data").EnumerateArray().Select(gateway => gateway.GetProperty("code").GetString()));
        Assert.Equal("invalid_gateway", refused.Code);
        Assert.Equal("xendit", routed.GetProperty("gateway").GetString());
        // The refused invoice wrote nothing: the tenant's rows are the routed invoice, its line and its created event.
        Assert.Equal(3, await InvoiceApi.CountRowsAsync(factory, tenant.TenantId));
    }

    [Fact]
    public async Task Its_checkout_pages_and_webhooks_are_not_found()
    {
        using var anonymous = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var page = await anonymous.GetAsync("/sandbox/checkout/PTABCDEFGH1-001");
        var submitted = await anonymous.PostAsync(
            "/sandbox/checkout/PTABCDEFGH1-001", new FormUrlEncodedContent([new KeyValuePair<string, string>("action", "pay_in_full")]));
        using var webhook = new StringContent("""{"id":"evt_1","type":"payment.succeeded","data":{"reference":"PTABCDEFGH1-001"}}""", Encoding.UTF8, "application/json");
        var delivered = await anonymous.PostAsync("/webhooks/sandbox", webhook);

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, submitted.StatusCode);
        Assert.Equal("unknown_gateway", (await HttpAssert.Problem.ReadAsync(delivered, HttpStatusCode.NotFound)).Code);
    }

    [Fact]
    public async Task An_invoice_routed_to_the_sandbox_before_it_was_switched_off_opens_no_checkout()
    {
        var tenant = await factory.CreateTenantAsync();
        await InvoiceApi.SetGatewayCredentialsAsync(factory, tenant, "xendit");
        using var client = factory.TenantClient(tenant.ApiKey);
        var body = InvoiceApi.OneMillionRupiah();
        body["gateway"] = "xendit";
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant, body);
        await PaymentApi.ExecuteAsync(factory, "UPDATE invoices SET gateway = 'sandbox' WHERE id = @Id", new { Id = invoiceId });

        var problem = await HttpAssert.Problem.ReadAsync(await PaymentApi.PostAttemptAsync(client, invoiceId), HttpStatusCode.BadGateway);

        Assert.Equal(("sandbox", "method_not_supported"), (problem.Body.GetProperty("gateway").GetString(), problem.Body.GetProperty("failure_code").GetString()));
        var attempt = Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        Assert.Equal(("failed", null), (attempt.Status, attempt.CheckoutUrl));
        Assert.Equal("draft", (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).Status);
    }
}
