using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using PayTrust.Api.Tests.Invoices;

namespace PayTrust.Api.Tests.Payments;

/// <summary>The customer's payment link /pay/{token} (spec §7.1).</summary>
public class PaymentLinkTests(PayTrustApiFactory factory) : IClassFixture<PayTrustApiFactory>
{
    [Fact]
    public async Task A_payable_invoice_redirects_to_its_checkout_and_reuses_it()
    {
        var (invoice, path) = await CreateInvoiceAsync();
        using var browser = Browser();

        var first = await browser.GetAsync(path);
        var second = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var invoiceId = invoice.GetProperty("id").GetGuid();
        var attempt = Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        Assert.Equal($"https://pay.example.test/sandbox/checkout/{attempt.GatewayReference}", first.Headers.Location!.ToString());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal("pending", (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).Status);
    }

    [Fact]
    public async Task The_checkout_a_link_leads_to_is_served_by_this_service()
    {
        var (_, path) = await CreateInvoiceAsync();
        using var browser = Browser();

        var redirect = await browser.GetAsync(path);
        var page = await browser.GetAsync(redirect.Headers.Location!.AbsolutePath);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("PayTrust sandbox checkout", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_installment_invoice_link_takes_the_next_unpaid_installment()
    {
        var (invoice, path) = await CreateInvoiceAsync(InvoiceApi.WithInstallments(2, InvoiceApi.OneMillionRupiah(), amounts: [400_000, 600_000]));
        using var browser = Browser();

        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(path)).StatusCode);

        var attempt = Assert.Single(await PaymentApi.AttemptsAsync(factory, invoice.GetProperty("id").GetGuid()));
        Assert.Equal((1, 400_000L), (attempt.InstallmentNumber!.Value, attempt.Amount));
    }

    [Theory]
    [InlineData("fully_paid", HttpStatusCode.OK, "Invoice paid")]
    [InlineData("cancelled", HttpStatusCode.Gone, "Invoice cancelled")]
    [InlineData("expired", HttpStatusCode.Gone, "Invoice expired")]
    public async Task A_closed_invoice_shows_a_friendly_page(string status, HttpStatusCode expected, string title)
    {
        var (invoice, path) = await CreateInvoiceAsync();
        await PaymentApi.ExecuteAsync(factory, "UPDATE invoices SET status = @Status WHERE id = @Id", new { Id = invoice.GetProperty("id").GetGuid(), Status = status });
        using var browser = Browser();

        var response = await browser.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains($"<h1>{title}</h1>", html);
        Assert.Contains(invoice.GetProperty("payment_reference").GetString()!, html);
        Assert.DoesNotContain("Exception", html);
        Assert.Empty(await PaymentApi.AttemptsAsync(factory, invoice.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task A_lapsed_invoice_the_worker_has_not_expired_yet_shows_the_expired_page()
    {
        var (invoice, path) = await CreateInvoiceAsync();
        await PaymentApi.ExecuteAsync(factory, "UPDATE invoices SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE id = @Id", new { Id = invoice.GetProperty("id").GetGuid() });
        using var browser = Browser();

        var response = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Contains("<h1>Invoice expired</h1>", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("short")]
    [InlineData("%3Cscript%3Ealert(1)%3C%2Fscript%3E")]
    public async Task An_unknown_or_forged_token_is_a_404_page(string token)
    {
        using var browser = Browser();

        var response = await browser.GetAsync($"/pay/{token}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Payment link not found", html);
        Assert.DoesNotContain("<script>", html);
    }

    [Fact]
    public async Task A_token_differing_only_in_case_finds_nothing()
    {
        var (_, path) = await CreateInvoiceAsync();
        var token = path["/pay/".Length..];
        var flipped = new string(token.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)).ToArray());
        using var browser = Browser();

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/pay/{flipped}")).StatusCode);
    }

    private HttpClient Browser() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<(JsonElement Invoice, string Path)> CreateInvoiceAsync(System.Text.Json.Nodes.JsonObject? body = null)
    {
        var tenant = await factory.CreateTenantAsync();
        var invoice = await InvoiceApi.CreateAsync(factory, tenant, body ?? InvoiceApi.OneMillionRupiah());
        return (invoice, new Uri(invoice.GetProperty("payment_url").GetString()!).AbsolutePath);
    }
}
