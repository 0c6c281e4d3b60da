using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using NodaTime;
using PayTrust.Application.Features.Sandbox;

namespace PayTrust.Browser.Tests;

/// <summary>
/// What the README promises, in a real headless Chromium: a customer opens an invoice's payment_url, lands
/// on the sandbox checkout, and a button there sends a signed webhook. The pages load nothing from elsewhere.
/// </summary>
public class CheckoutInBrowserTests(BrowserApiFactory factory) : IClassFixture<BrowserApiFactory>, IAsyncLifetime
{
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync() => (_playwright, _browser) = await Chromium.LaunchAsync();

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    [Fact]
    public async Task A_payment_link_leads_to_the_sandbox_checkout_and_pay_in_full_sends_a_signed_webhook()
    {
        var invoice = await CreateInvoiceAsync();
        var page = await NewPageAsync();
        var requested = new List<string>();
        page.Request += (_, request) => requested.Add(request.Url);

        await page.GotoAsync(invoice.GetProperty("payment_url").GetString()!);

        var reference = invoice.GetProperty("payment_reference").GetString() + "-001";
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(factory.BaseUrl)}/sandbox/checkout/[0-9a-f]{{32}}$", page.Url);
        Assert.Equal("PayTrust sandbox checkout", await page.TextContentAsync("h1"));
        Assert.Contains("IDR 1,000,000", await page.TextContentAsync("dl"));
        // The page's own style sheet passes its Content-Security-Policy, which allows it by hash and nothing else.
        Assert.Equal("rgb(244, 245, 247)", await page.EvalOnSelectorAsync<string>("body", "body => getComputedStyle(body).backgroundColor"));

        var before = factory.Receiver.Received.Count;
        await page.ClickAsync("button:text('Pay in full')");
        await page.WaitForSelectorAsync("h1:text('Payment sent')");

        Assert.Equal(before + 1, factory.Receiver.Received.Count);
        var webhook = factory.Receiver.Received.ToArray()[^1];
        Assert.True(SandboxWebhookSignature.Verify(BrowserApiFactory.WebhookSecret, webhook.Headers["PayTrust-Signature"], webhook.Body, SystemClock.Instance.GetCurrentInstant()));
        var data = JsonDocument.Parse(webhook.Body).RootElement.GetProperty("data");
        Assert.Equal((reference, 1_000_000L), (data.GetProperty("reference").GetString(), data.GetProperty("amount").GetInt64()));
        Assert.All(requested, url => Assert.StartsWith(factory.BaseUrl, url));
    }

    [Fact]
    public async Task Pay_an_amount_sends_what_the_customer_typed()
    {
        var invoice = await CreateInvoiceAsync();
        var page = await NewPageAsync();
        await page.GotoAsync(invoice.GetProperty("payment_url").GetString()!);

        await page.FillAsync("input[name=amount]", "250000");
        await page.ClickAsync("button:text('Pay an amount')");
        await page.WaitForSelectorAsync("h1:text('Payment sent')");

        var data = JsonDocument.Parse(factory.Receiver.Received.ToArray()[^1].Body).RootElement.GetProperty("data");
        Assert.Equal(250_000, data.GetProperty("amount").GetInt64());
    }

    [Fact]
    public async Task A_cancelled_invoice_shows_its_page_instead_of_a_checkout()
    {
        var invoice = await CreateInvoiceAsync();
        using var client = factory.TenantClient(_tenantKey!);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/invoices/{invoice.GetProperty("id").GetGuid()}/cancel", null)).StatusCode);
        var page = await NewPageAsync();

        var response = await page.GotoAsync(invoice.GetProperty("payment_url").GetString()!);

        Assert.Equal(410, response!.Status);
        Assert.Equal("Invoice cancelled", await page.TextContentAsync("h1"));
    }

    private string? _tenantKey;

    private async Task<IPage> NewPageAsync() => await (await _browser.NewContextAsync()).NewPageAsync();

    private async Task<JsonElement> CreateInvoiceAsync()
    {
        _tenantKey ??= (await factory.CreateTenantAsync()).ApiKey;
        using var client = factory.TenantClient(_tenantKey);
        var response = await client.PostAsJsonAsync("/invoices", new
        {
            currency_code = "IDR",
            description = "Tuition, November",
            line_items = new[] { new { product_name = "Tuition", quantity = 1, unit_price = 989_109 } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
