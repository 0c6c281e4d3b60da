using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using PayTrust.Api.Tests.Invoices;

namespace PayTrust.Api.Tests.Payments;

/// <summary>
/// Every response of the hosted pages — payment links and the sandbox checkout, found or not, open or closed, and the
/// payment link's redirect — cannot be framed, loads and runs nothing but its own style, leaks no Referer and is not cached
/// (spec §13).
/// </summary>
public class HostedPageHeadersTests(SandboxApiFactory factory) : IClassFixture<SandboxApiFactory>
{
    [Fact]
    public async Task Payment_link_pages_and_the_redirect_send_the_security_headers()
    {
        var (invoiceId, path) = await CreateInvoiceAsync();
        var (paidId, paidPath) = await CreateInvoiceAsync();
        var (cancelledId, cancelledPath) = await CreateInvoiceAsync();
        var (busyId, busyPath) = await CreateInvoiceAsync();
        await PaymentApi.ExecuteAsync(factory, "UPDATE invoices SET status = 'fully_paid' WHERE id = @Id", new { Id = paidId });
        await PaymentApi.ExecuteAsync(factory, "UPDATE invoices SET status = 'cancelled' WHERE id = @Id", new { Id = cancelledId });
        using var browser = Browser();
        // An attempt being opened right now: the link answers "temporarily unavailable".
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(busyPath)).StatusCode);
        await PaymentApi.ExecuteAsync(factory,
            "UPDATE payment_attempts SET status = 'creating', gateway_reference = NULL, checkout_url = NULL, created_at = UTC_TIMESTAMP(6) WHERE invoice_id = @Id",
            new { Id = busyId });

        var responses = new Dictionary<string, HttpResponseMessage>
        {
            ["redirect"] = await browser.GetAsync(path),
            ["paid"] = await browser.GetAsync(paidPath),
            ["cancelled"] = await browser.GetAsync(cancelledPath),
            ["unavailable"] = await browser.GetAsync(busyPath),
            ["unknown"] = await browser.GetAsync("/pay/AAAAAAAAAAAAAAAAAAAAAA"),
            ["malformed"] = await browser.GetAsync("/pay/short"),
        };

        Assert.Equal(
            [HttpStatusCode.Redirect, HttpStatusCode.OK, HttpStatusCode.Gone, HttpStatusCode.ServiceUnavailable, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
            responses.Values.Select(response => response.StatusCode));
        Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        foreach (var (kind, response) in responses)
        {
            AssertSecurityHeaders(kind, response);
        }
    }

    [Fact]
    public async Task Sandbox_checkout_pages_and_their_answers_send_the_security_headers()
    {
        var (_, path) = await CreateInvoiceAsync();
        using var browser = Browser();
        var checkout = (await browser.GetAsync(path)).Headers.Location!.AbsolutePath;
        var (closedId, closedPath) = await CreateInvoiceAsync();
        var closedCheckout = (await browser.GetAsync(closedPath)).Headers.Location!.AbsolutePath;
        await PaymentApi.ExecuteAsync(factory, "UPDATE payment_attempts SET status = 'expired' WHERE invoice_id = @Id", new { Id = closedId });

        var responses = new Dictionary<string, HttpResponseMessage>
        {
            ["page"] = await browser.GetAsync(checkout),
            ["closed page"] = await browser.GetAsync(closedCheckout),
            ["unknown"] = await browser.GetAsync($"/sandbox/checkout/{new string('0', 32)}"),
            ["malformed"] = await browser.GetAsync("/sandbox/checkout/PTNOPE-001"),
            ["unknown action"] = await browser.PostAsync(checkout, Form(("action", "refund"))),
            ["bad amount"] = await browser.PostAsync(checkout, Form(("action", "pay_amount"), ("amount", "-1"))),
            ["closed"] = await browser.PostAsync(closedCheckout, Form(("action", "pay_in_full"))),
            ["sent"] = await browser.PostAsync(checkout, Form(("action", "pay_in_full"))),
        };

        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest,
             HttpStatusCode.Conflict, HttpStatusCode.OK],
            responses.Values.Select(response => response.StatusCode));
        Assert.Contains("Payment sent", await responses["sent"].Content.ReadAsStringAsync());
        foreach (var (kind, response) in responses)
        {
            AssertSecurityHeaders(kind, response);
        }
    }

    [Fact]
    public async Task The_style_sheet_the_policy_allows_is_the_one_the_pages_carry()
    {
        var (_, path) = await CreateInvoiceAsync();
        using var browser = Browser();
        var page = await browser.GetAsync((await browser.GetAsync(path)).Headers.Location!.AbsolutePath);
        var html = await page.Content.ReadAsStringAsync();
        var style = html[(html.IndexOf("<style>", StringComparison.Ordinal) + "<style>".Length)..html.IndexOf("</style>", StringComparison.Ordinal)];
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(style)));

        Assert.Contains($"style-src 'sha256-{hash}'", string.Join(' ', page.Headers.GetValues("Content-Security-Policy")));
        Assert.DoesNotContain("unsafe-inline", string.Join(' ', page.Headers.GetValues("Content-Security-Policy")));
    }

    private static void AssertSecurityHeaders(string kind, HttpResponseMessage response)
    {
        string Header(string name) =>
            response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
                ? string.Join(", ", values)
                : throw new Xunit.Sdk.XunitException($"{kind}: no {name} header");

        var policy = Header("Content-Security-Policy");
        Assert.True(policy.Contains("frame-ancestors 'none'", StringComparison.Ordinal), $"{kind}: {policy}");
        Assert.True(policy.StartsWith("default-src 'none';", StringComparison.Ordinal), $"{kind}: {policy}");
        Assert.True(policy.Contains("form-action 'self'", StringComparison.Ordinal), $"{kind}: {policy}");
        Assert.Equal(("DENY", "nosniff", "no-referrer", "no-store"),
            (Header("X-Frame-Options"), Header("X-Content-Type-Options"), Header("Referrer-Policy"), Header("Cache-Control")));
    }

    private HttpClient Browser() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<(Guid InvoiceId, string Path)> CreateInvoiceAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        var invoice = await InvoiceApi.CreateAsync(factory, tenant, InvoiceApi.OneMillionRupiah());
        return (invoice.GetProperty("id").GetGuid(), new Uri(invoice.GetProperty("payment_url").GetString()!).AbsolutePath);
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(field => new KeyValuePair<string, string>(field.Name, field.Value)));
}
