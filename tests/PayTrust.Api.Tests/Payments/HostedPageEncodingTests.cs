using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using PayTrust.Api.Tests.Invoices;

namespace PayTrust.Api.Tests.Payments;

/// <summary>
/// Merchant-supplied text reaches pages that anyone holding a link opens: every value on them is HTML-encoded, so an
/// invoice cannot carry markup or script into the payment link's or the sandbox checkout's pages.
/// </summary>
public class HostedPageEncodingTests(SandboxApiFactory factory) : IClassFixture<SandboxApiFactory>
{
    private const string Description = """<script>alert(1)</script> & "quotes" 'single'""";
    private const string EncodedDescription = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#x27;single&#x27;";

    // Tags none of the pages has of its own: any of them on a page is merchant markup let through.
    private static readonly string[] InjectedTags = ["<script", "<img", "<svg", "<iframe", "<b "];

    [Fact]
    public async Task Merchant_text_on_the_payment_link_pages_is_encoded()
    {
        using var browser = Browser();
        var pages = new Dictionary<string, HttpResponseMessage>();
        foreach (var (status, kind) in new[] { ("fully_paid", "paid"), ("cancelled", "cancelled"), ("expired", "expired") })
        {
            var (invoiceId, path) = await CreateInvoiceAsync();
            await PaymentApi.ExecuteAsync(factory, "UPDATE invoices SET status = @Status WHERE id = @Id", new { Id = invoiceId, Status = status });
            pages[kind] = await browser.GetAsync(path);
        }

        var (busyId, busyPath) = await CreateInvoiceAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(busyPath)).StatusCode);
        await PaymentApi.ExecuteAsync(factory,
            "UPDATE payment_attempts SET status = 'creating', gateway_reference = NULL, checkout_url = NULL, created_at = UTC_TIMESTAMP(6) WHERE invoice_id = @Id",
            new { Id = busyId });
        pages["unavailable"] = await browser.GetAsync(busyPath);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Gone, HttpStatusCode.Gone, HttpStatusCode.ServiceUnavailable], pages.Values.Select(page => page.StatusCode));
        foreach (var (kind, page) in pages)
        {
            await AssertEncodedAsync(kind, page);
        }
    }

    [Fact]
    public async Task Merchant_text_on_the_sandbox_checkout_pages_is_encoded()
    {
        using var browser = Browser();
        var (_, path) = await CreateInvoiceAsync();
        var checkout = (await browser.GetAsync(path)).Headers.Location!.AbsolutePath;
        var (closedId, closedPath) = await CreateInvoiceAsync();
        var closedCheckout = (await browser.GetAsync(closedPath)).Headers.Location!.AbsolutePath;
        await PaymentApi.ExecuteAsync(factory, "UPDATE payment_attempts SET status = 'expired' WHERE invoice_id = @Id", new { Id = closedId });

        var pages = new Dictionary<string, HttpResponseMessage>
        {
            ["checkout"] = await browser.GetAsync(checkout),
            ["closed checkout"] = await browser.GetAsync(closedCheckout),
            ["closed answer"] = await browser.PostAsync(closedCheckout, new FormUrlEncodedContent([new("action", "pay_in_full")])),
            ["sent"] = await browser.PostAsync(checkout, new FormUrlEncodedContent([new("action", "pay_in_full")])),
        };

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Conflict, HttpStatusCode.OK], pages.Values.Select(page => page.StatusCode));
        foreach (var (kind, page) in pages)
        {
            await AssertEncodedAsync(kind, page);
        }
    }

    /// <summary>The description, which every page shows, appears encoded; no merchant markup appears raw anywhere.</summary>
    private static async Task AssertEncodedAsync(string kind, HttpResponseMessage page)
    {
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(html.Contains(EncodedDescription, StringComparison.Ordinal), $"{kind}: the encoded description is missing:\n{html}");
        Assert.False(html.Contains(Description, StringComparison.Ordinal), $"{kind}: the description appears raw");
        foreach (var tag in InjectedTags)
        {
            Assert.False(html.Contains(tag, StringComparison.OrdinalIgnoreCase), $"{kind}: {tag} appears raw:\n{html}");
        }
    }

    private HttpClient Browser() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>An invoice whose every merchant-supplied text is markup (the pages show its description).</summary>
    private async Task<(Guid InvoiceId, string Path)> CreateInvoiceAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        var body = InvoiceApi.OneMillionRupiah();
        body["description"] = Description;
        body["external_id"] = "<iframe src=javascript:alert(4)>";
        body["customer"] = new JsonObject
        {
            ["name"] = "</dd><b onmouseover=alert(2)>Budi</b>",
            ["email"] = "\"><svg onload=alert(3)>@example.com",
        };
        body["line_items"]![0]!["product_name"] = "\"><img src=x onerror=alert(1)>";
        var invoice = await InvoiceApi.CreateAsync(factory, tenant, body);
        return (invoice.GetProperty("id").GetGuid(), new Uri(invoice.GetProperty("payment_url").GetString()!).AbsolutePath);
    }
}
