using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using PayTrust.Api.Tests.Invoices;
using Serilog.Events;

namespace PayTrust.Api.Tests.Payments;

/// <summary>Every log event at every level kept, with the sandbox's webhooks delivered to a receiver.</summary>
public sealed class TokenLoggingApiFactory : LogCapturingApiFactory
{
    public WebhookReceiver Receiver { get; private set; } = null!;

    protected override IDictionary<string, string?> MoreSettings => new Dictionary<string, string?>
    {
        ["PayTrust:Sandbox:WebhookUrl"] = Receiver.Url,
    };

    public override async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        await base.InitializeAsync();
    }

    protected override async Task DisposeTestResourcesAsync() => await Receiver.DisposeAsync();
}

/// <summary>
/// Payment-link and sandbox checkout tokens are credentials (spec §13): a visit to a payment link, its redirect and a
/// checkout's page and button leave neither token in any log event — message, template or property — at any level.
/// </summary>
public class TokenLoggingTests(TokenLoggingApiFactory factory) : IClassFixture<TokenLoggingApiFactory>
{
    [Fact]
    public async Task A_payment_link_visit_and_a_sandbox_checkout_log_neither_token()
    {
        var tenant = await factory.CreateTenantAsync();
        var invoice = await InvoiceApi.CreateAsync(factory, tenant, InvoiceApi.OneMillionRupiah());
        var paymentPath = new Uri(invoice.GetProperty("payment_url").GetString()!).AbsolutePath;
        var paymentToken = paymentPath["/pay/".Length..];
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var redirect = await browser.GetAsync(paymentPath);
        var checkoutPath = redirect.Headers.Location!.AbsolutePath;
        var checkoutToken = checkoutPath["/sandbox/checkout/".Length..];
        var page = await browser.GetAsync(checkoutPath);
        var paid = await browser.PostAsync(checkoutPath, new FormUrlEncodedContent([new KeyValuePair<string, string>("action", "pay_in_full")]));
        var again = await browser.GetAsync(paymentPath.ToUpperInvariant());

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (page.StatusCode, paid.StatusCode));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Matches("^[0-9a-f]{32}$", checkoutToken);
        // The request line of the last request is written as it completes, possibly just after the client has its answer.
        var lines = await RequestLinesAsync(4);
        Assert.Equal(["GET /pay/[redacted]", "GET /sandbox/checkout/[redacted]", "POST /sandbox/checkout/[redacted]", "GET /PAY/[redacted]"], lines);
        // What is checked below was really captured: ASP.NET Core's own hosting and routing lines, down to Debug.
        Assert.Contains(factory.Events, e => e.Level == LogEventLevel.Debug && Source(e).StartsWith("Microsoft.AspNetCore.Routing", StringComparison.Ordinal));
        Assert.Contains(factory.Events, e => Source(e) == "Microsoft.AspNetCore.Hosting.Diagnostics" && Text(e).Contains("/sandbox/checkout/[redacted]", StringComparison.Ordinal));
        Assert.Contains(factory.Events, e => e.Properties.TryGetValue("Destination", out var to) && to.ToString() == "\"https://pay.example.test/sandbox/checkout/[redacted]\"");
        // Route patterns are not tokens and stay readable.
        Assert.Contains(factory.Events, e => e.Properties.TryGetValue("EndpointName", out var name) && name.ToString() == "\"HTTP: GET /pay/{token}\"");
        // The webhook's signature, good for 300 s, is not logged either (HttpClient's header dump at Trace carries raw values).
        var signature = factory.Receiver.Received.Single().Headers["PayTrust-Signature"];
        foreach (var logged in factory.Events)
        {
            var text = Text(logged);
            Assert.False(text.Contains(paymentToken, StringComparison.OrdinalIgnoreCase), $"payment-link token logged: {text}");
            Assert.False(text.Contains(checkoutToken, StringComparison.OrdinalIgnoreCase), $"checkout token logged: {text}");
            Assert.False(text.Contains(signature.Split("v1=")[1], StringComparison.OrdinalIgnoreCase), $"webhook signature logged: {text}");
        }
    }

    /// <summary>Everything a sink could write of the event: its template, its rendered message, every property, its exception.</summary>
    private static string Text(LogEvent logged) => string.Join('\n',
        new[] { logged.MessageTemplate.Text, logged.RenderMessage(CultureInfo.InvariantCulture), logged.Exception?.ToString() ?? "" }
            .Concat(logged.Properties.Select(p => $"{p.Key}={p.Value}")));

    private static string Source(LogEvent logged) =>
        logged.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: string name } ? name : "";

    private async Task<string[]> RequestLinesAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var lines = factory.Events
                .Where(e => e.MessageTemplate.Text.StartsWith("HTTP {RequestMethod} {RequestPath}", StringComparison.Ordinal))
                .Select(e => $"{((ScalarValue)e.Properties["RequestMethod"]).Value} {((ScalarValue)e.Properties["RequestPath"]).Value}")
                .Where(line => line.Contains("/pay/", StringComparison.OrdinalIgnoreCase) || line.Contains("/sandbox/", StringComparison.Ordinal))
                .ToArray();
            if (lines.Length >= count || DateTime.UtcNow > deadline)
            {
                return lines;
            }

            await Task.Delay(50);
        }
    }
}
