using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace PayTrust.Browser.Tests;

/// <summary>
/// The whole way in, in a real headless Chromium: payment link → sandbox checkout → a button → the sandbox's signed
/// webhook to the API's own /webhooks/sandbox → the payment applied, as the tenant then reads it through the API.
/// </summary>
public class PaymentInBrowserTests(SelfPayingBrowserApiFactory factory) : IClassFixture<SelfPayingBrowserApiFactory>, IAsyncLifetime
{
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string? _tenantKey;

    public async Task InitializeAsync() => (_playwright, _browser) = await Chromium.LaunchAsync();

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    [Fact]
    public async Task Pay_in_full_on_the_checkout_leaves_the_invoice_fully_paid()
    {
        var invoice = await CreateInvoiceAsync(installments: null);
        var id = invoice.GetProperty("id").GetGuid();
        var page = await NewPageAsync();

        await page.GotoAsync(invoice.GetProperty("payment_url").GetString()!);
        Assert.StartsWith($"{factory.BaseUrl}/sandbox/checkout/", page.Url);
        await page.ClickAsync("button:text('Pay in full')");
        await page.WaitForSelectorAsync("h1:text('Payment sent')");
        // The result page quotes what /webhooks/sandbox answered: the API itself, this time.
        Assert.Contains("PayTrust answered HTTP 200", await page.TextContentAsync("body"));

        var paid = await PollAsync($"/invoices/{id}", body => body.GetProperty("status").GetString() == "fully_paid");
        Assert.Equal("fully_paid", paid.GetProperty("status").GetString());
        Assert.Equal(1_000_000, paid.GetProperty("amount_paid").GetInt64());
        Assert.Equal(0, paid.GetProperty("amount_due").GetInt64());
        Assert.Equal(0, paid.GetProperty("overpayment_amount").GetInt64());
    }

    [Fact]
    public async Task Overpaying_the_first_of_three_installments_carries_the_exact_excess_to_the_second()
    {
        // IDR 1,000,000 in three: 333,333 + 333,333 + 333,334.
        var invoice = await CreateInvoiceAsync(installments: 3);
        var id = invoice.GetProperty("id").GetGuid();
        var page = await NewPageAsync();

        await page.GotoAsync(invoice.GetProperty("payment_url").GetString()!);
        Assert.Contains("333,333", await page.TextContentAsync("dl"));
        await page.FillAsync("input[name=amount]", "400000");
        await page.ClickAsync("button:text('Pay an amount')");
        await page.WaitForSelectorAsync("h1:text('Payment sent')");

        var schedule = await PollAsync($"/invoices/{id}/installments", body => body.GetProperty("data")[0].GetProperty("status").GetString() == "paid");
        var installments = schedule.GetProperty("data").EnumerateArray()
            .Select(i => (Number: i.GetProperty("number").GetInt32(), Amount: i.GetProperty("amount").GetInt64(), Paid: i.GetProperty("amount_paid").GetInt64(), Status: i.GetProperty("status").GetString()))
            .ToArray();
        Assert.Equal(
            [(1, 333_333L, 333_333L, "paid"), (2, 333_333L, 66_667L, "unpaid"), (3, 333_334L, 0L, "unpaid")],
            installments);

        var read = await GetJsonAsync($"/invoices/{id}");
        Assert.Equal("partially_paid", read.GetProperty("status").GetString());
        Assert.Equal(400_000, read.GetProperty("amount_paid").GetInt64());
        Assert.Equal(600_000, read.GetProperty("amount_due").GetInt64());
    }

    private async Task<IPage> NewPageAsync() => await (await _browser.NewContextAsync()).NewPageAsync();

    /// <summary>
    /// The sandbox delivers its webhook before it renders the result page, so the state should already be there;
    /// a short poll only keeps a slow machine from failing the test, and the last answer is what gets asserted.
    /// </summary>
    private async Task<JsonElement> PollAsync(string path, Func<JsonElement, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var body = await GetJsonAsync(path);
            if (done(body) || clock.Elapsed > TimeSpan.FromSeconds(5))
            {
                return body;
            }

            await Task.Delay(100);
        }
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var client = factory.TenantClient(_tenantKey!);
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> CreateInvoiceAsync(int? installments)
    {
        _tenantKey ??= (await factory.CreateTenantAsync()).ApiKey;
        using var client = factory.TenantClient(_tenantKey);
        // 989,109 + the sandbox's IDR fee (1 % + 1,000) = IDR 1,000,000.
        var line = new[] { new { product_name = "Tuition", quantity = 1, unit_price = 989_109 } };
        var response = installments is { } count
            ? await client.PostAsJsonAsync("/invoices", new { currency_code = "IDR", description = "Tuition, term 1", line_items = line, installments = new { count } })
            : await client.PostAsJsonAsync("/invoices", new { currency_code = "IDR", description = "Tuition, November", line_items = line });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
