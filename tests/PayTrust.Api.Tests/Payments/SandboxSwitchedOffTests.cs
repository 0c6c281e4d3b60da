using System.Net;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using PayTrust.Api.Tests.Invoices;

namespace PayTrust.Api.Tests.Payments;

/// <summary>
/// The platform as a production deployment runs it: outside Development, with nothing said about the sandbox, so it is off
/// (ADR 12), and a default gateway named.
/// </summary>
public sealed class SandboxOffApiFactory : StandInApiFactory
{
    protected override IDictionary<string, string?> MoreSettings => new Dictionary<string, string?>
    {
        ["PayTrust:Sandbox:Enabled"] = null,
        ["PayTrust:DefaultGateway"] = "xendit",
    };
}

/// <summary>
/// The sandbox off (ADR 12; here by default, WebhookRetryTests switches it off explicitly): the sandbox's checkout marks invoices paid at a click, so a platform that
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
    public async Task An_invoice_routed_to_the_sandbox_before_it_was_switched_off_gets_no_checkout_not_even_its_open_one()
    {
        var (client, invoiceId) = await XenditInvoiceAsync();
        var open = await PaymentApi.TakeAttemptAsync(client, invoiceId);
        // As if both had been made on the sandbox while it was on.
        await PaymentApi.ExecuteAsync(factory, "UPDATE invoices SET gateway = 'sandbox' WHERE id = @Id", new { Id = invoiceId });
        await PaymentApi.ExecuteAsync(factory, "UPDATE payment_attempts SET gateway = 'sandbox' WHERE invoice_id = @Id", new { Id = invoiceId });
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var path = new Uri((await HttpAssert.JsonAsync(await client.GetAsync($"/invoices/{invoiceId}"), HttpStatusCode.OK)).GetProperty("payment_url").GetString()!).AbsolutePath;

        var problem = await HttpAssert.Problem.ReadAsync(await PaymentApi.PostAttemptAsync(client, invoiceId), HttpStatusCode.UnprocessableEntity);
        var page = await browser.GetAsync(path);

        Assert.Equal("method_not_supported", problem.Code);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Contains("cannot be paid online right now", await page.Content.ReadAsStringAsync());
        var attempt = Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        Assert.Equal((open.GetProperty("id").GetGuid(), "pending"), (attempt.Id, attempt.Status));
    }

    [Fact]
    public async Task A_stored_routing_rule_naming_the_sandbox_is_passed_over_and_a_new_one_is_refused()
    {
        var tenant = await factory.CreateTenantAsync();
        await InvoiceApi.SetGatewayCredentialsAsync(factory, tenant, "xendit", "midtrans");
        using var client = factory.TenantClient(tenant.ApiKey);
        // Stored while the sandbox was on: card payments in IDR through it, the rest of IDR through Midtrans.
        await PaymentApi.ExecuteAsync(factory,
            """
            INSERT INTO tenant_routing_rules (tenant_id, currency_code, payment_method, gateway_code, created_at)
            VALUES (@Id, 'IDR', 'card', 'sandbox', UTC_TIMESTAMP(6)), (@Id, 'IDR', '', 'midtrans', UTC_TIMESTAMP(6))
            """,
            new { Id = tenant.TenantId });
        var card = InvoiceApi.OneMillionRupiah();
        card.Remove("gateway");
        card["payment_method"] = "card";

        // The card rule is passed over for the next step of §3's order, the tenant's IDR default (not the platform's).
        var routed = await InvoiceApi.CreateAsync(factory, tenant, card);
        var refused = await HttpAssert.Problem.ReadAsync(
            await InvoiceApi.SendJsonAsync(client, HttpMethod.Put, "/routing-rules",
                System.Text.Json.Nodes.JsonNode.Parse("""{"rules":[{"currency_code":"IDR","gateway":"sandbox"}]}""")!),
            HttpStatusCode.BadRequest);
        var report = await client.GetAsync("/reports/financial?start_date=2026-01-01T00:00:00Z&end_date=2026-02-01T00:00:00Z&gateway=sandbox");

        Assert.Equal("midtrans", routed.GetProperty("gateway").GetString());
        Assert.Equal("invalid_gateway", refused.Code);
        // The sandbox's history is still the platform's: a report can still be asked for it.
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
    }

    private async Task<(HttpClient Client, Guid InvoiceId)> XenditInvoiceAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        await InvoiceApi.SetGatewayCredentialsAsync(factory, tenant, "xendit");
        var body = InvoiceApi.OneMillionRupiah();
        body["gateway"] = "xendit";
        return (factory.TenantClient(tenant.ApiKey), await InvoiceApi.CreateIdAsync(factory, tenant, body));
    }
}
