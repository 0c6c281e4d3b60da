using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using PayTrust.Api.Tests.Invoices;
using PayTrust.Api.Tests.Webhooks;
using PayTrust.Application.Features.Sandbox;
using Serilog.Events;
using static PayTrust.Api.Tests.HttpAssert;
using static PayTrust.Api.Tests.Webhooks.WebhookApi;

namespace PayTrust.Api.Tests;

/// <summary>Limits small enough for a test to use one up in a handful of requests.</summary>
public sealed class ThrottlingApiFactory : WebhookApiFactory
{
    public const int WebhooksPerMinute = 6;
    public const int PagesPerMinute = 2;
    public const int FailedAuthPerMinute = 3;
    public const int FailedWebhooksPerMinute = 2;

    protected override IDictionary<string, string?> MoreSettings
    {
        get
        {
            var settings = base.MoreSettings;
            settings["PayTrust:RateLimit:Anonymous:WebhooksPerMinute"] = WebhooksPerMinute.ToString(CultureInfo.InvariantCulture);
            settings["PayTrust:RateLimit:Anonymous:PagesPerMinute"] = PagesPerMinute.ToString(CultureInfo.InvariantCulture);
            settings["PayTrust:RateLimit:FailedAuthPerMinute"] = FailedAuthPerMinute.ToString(CultureInfo.InvariantCulture);
            settings["PayTrust:RateLimit:FailedWebhooksPerMinute"] = FailedWebhooksPerMinute.ToString(CultureInfo.InvariantCulture);
            return settings;
        }
    }
}

/// <summary>
/// Spec §13: anonymous routes are throttled per client address, and an address that keeps failing authentication is
/// refused before anything else happens (ADR 28). Each test takes addresses of its own, so their budgets never meet.
/// </summary>
public class ClientAddressThrottlingTests(ThrottlingApiFactory factory) : IClassFixture<ThrottlingApiFactory>
{
    private const string WrongApiKey = "ptk_0000000000000000000000000000000000000000000000000000000000000000";

    private static int _addresses;

    [Fact]
    public async Task Webhooks_over_the_per_address_limit_are_429_with_retry_after_while_another_address_is_served()
    {
        var tenant = await factory.CreateTenantAsync();
        var gateway = NewAddress();
        using var busy = factory.ClientFrom(gateway);
        using var quiet = factory.ClientFrom(NewAddress());

        // Empty bodies reach the endpoint and are refused there as malformed: served, and not an authentication
        // failure, so only the webhook limit counts them.
        for (var i = 0; i < ThrottlingApiFactory.WebhooksPerMinute; i++)
        {
            Assert.Equal("malformed_payload", (await Problem.ReadAsync(await PostRawAsync(busy, "sandbox", []), HttpStatusCode.BadRequest)).Code);
        }

        await AssertRateLimitedAsync(await PostRawAsync(busy, "sandbox", []));
        Assert.Equal("malformed_payload", (await Problem.ReadAsync(await PostRawAsync(quiet, "sandbox", []), HttpStatusCode.BadRequest)).Code);
        // The webhooks' budget only: the same address still opens pages and calls the API.
        Assert.Equal(HttpStatusCode.NotFound, (await busy.GetAsync("/pay/no-such-link")).StatusCode);
        using var api = factory.ClientFrom(gateway, tenant.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/me")).StatusCode);
    }

    [Fact]
    public async Task Payment_links_and_sandbox_checkout_pages_share_a_per_address_limit()
    {
        var tenant = await factory.CreateTenantAsync();
        var invoice = await InvoiceApi.CreateAsync(factory, tenant);
        var link = new Uri(invoice.GetProperty("payment_url").GetString()!).AbsolutePath;
        var browser = new WebApplicationFactoryClientOptions { AllowAutoRedirect = false };
        using var customer = factory.ClientFrom(NewAddress(), options: browser);
        using var neighbour = factory.ClientFrom(NewAddress(), options: browser);

        var redirect = await customer.GetAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var checkout = redirect.Headers.Location!.AbsolutePath;
        Assert.Equal(HttpStatusCode.OK, (await customer.GetAsync(checkout)).StatusCode);

        await AssertRateLimitedAsync(await customer.GetAsync(link));
        using var payInFull = new FormUrlEncodedContent([new("action", "pay_in_full")]);
        await AssertRateLimitedAsync(await customer.PostAsync(checkout, payInFull));
        Assert.Equal(HttpStatusCode.Redirect, (await neighbour.GetAsync(link)).StatusCode);
    }

    [Fact]
    public async Task An_ipv6_client_counts_by_its_64_block()
    {
        using var first = factory.ClientFrom(IPAddress.Parse("2001:db8:28:1::1"));
        using var sameBlock = factory.ClientFrom(IPAddress.Parse("2001:db8:28:1:ffff:ffff:ffff:fffe"));
        using var nextBlock = factory.ClientFrom(IPAddress.Parse("2001:db8:28:2::1"));

        Assert.Equal(HttpStatusCode.NotFound, (await first.GetAsync("/pay/no-such-link")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sameBlock.GetAsync("/pay/no-such-link")).StatusCode);

        await AssertRateLimitedAsync(await first.GetAsync("/pay/no-such-link"));
        Assert.Equal(HttpStatusCode.NotFound, (await nextBlock.GetAsync("/pay/no-such-link")).StatusCode);
    }

    [Fact]
    public async Task After_failed_authentications_an_address_is_refused_even_with_a_valid_key_while_another_address_is_served()
    {
        var tenant = await factory.CreateTenantAsync();
        var attacker = NewAddress();
        using var wrongKey = factory.ClientFrom(attacker, WrongApiKey);
        using var noKey = factory.ClientFrom(attacker);
        using var wrongAdminKey = factory.ClientFrom(attacker);
        wrongAdminKey.DefaultRequestHeaders.Add("X-Admin-Key", "not-the-admin-key-0123456789abcdef0123456789");
        using var validFromAttacker = factory.ClientFrom(attacker, tenant.ApiKey);
        using var validElsewhere = factory.ClientFrom(NewAddress(), tenant.ApiKey);

        (HttpClient Client, string Path, string Code)[] failures =
            [(wrongKey, "/me", "invalid_api_key"), (noKey, "/me", "missing_api_key"), (wrongAdminKey, "/tenants", "invalid_admin_key")];
        for (var i = 0; i < ThrottlingApiFactory.FailedAuthPerMinute; i++)
        {
            var (client, path, code) = failures[i % failures.Length];
            Assert.Equal(code, (await Problem.ReadAsync(await client.GetAsync(path), HttpStatusCode.Unauthorized)).Code);
        }

        await AssertRateLimitedAsync(await validFromAttacker.GetAsync("/me"));
        await AssertRateLimitedAsync(await noKey.GetAsync("/pay/no-such-link"));
        Assert.Equal(HttpStatusCode.OK, (await validElsewhere.GetAsync("/me")).StatusCode);
        // Probes are still answered: behind an unlisted proxy they share the address with every client.
        Assert.Equal(HttpStatusCode.OK, (await noKey.GetAsync("/health")).StatusCode);
        // One warning when the budget ran out, not one per refused request.
        Assert.Single(factory.Logs, e => e.Level == LogEventLevel.Warning
            && e.Properties.TryGetValue("ClientAddress", out var logged) && logged is ScalarValue { Value: string value } && value == attacker.ToString());
    }

    [Fact]
    public async Task Past_its_budget_of_refused_webhooks_an_address_is_still_served_but_its_refusals_are_no_longer_recorded()
    {
        var setup = await AttemptAsync(factory);
        var gateway = NewAddress();
        using var sender = factory.ClientFrom(gateway);
        using var merchantThere = factory.ClientFrom(gateway, setup.Tenant.ApiKey);
        var forged = SandboxWebhookJson.Serialize(SandboxPaid(setup.Reference, setup.Amount, Now));
        var unknownReference = "PT-UNKNOWN-" + Guid.NewGuid().ToString("N");
        var notRecorded = "PT-UNKNOWN-" + Guid.NewGuid().ToString("N");

        // Two failures, the factory's FailedWebhooksPerMinute: a signature and a reference.
        var badSignature = await PostRawAsync(sender, "sandbox", forged, (SandboxWebhookSignature.HeaderName, Sign(forged, Now, "another-secret")));
        Assert.Equal("invalid_signature", (await Problem.ReadAsync(badSignature, HttpStatusCode.Unauthorized)).Code);
        var unknown = await PostSandboxAsync(sender, SandboxPaid(unknownReference, 1_000, Now), Now);
        Assert.Equal("unknown_reference", (await Problem.ReadAsync(unknown, HttpStatusCode.NotFound)).Code);

        // Past the budget: still answered, never refused — a gateway's address carries every tenant's notifications — but
        // nothing refused from it is stored any more, unreadable bodies included.
        Assert.Equal("unknown_reference", (await Problem.ReadAsync(await PostSandboxAsync(sender, SandboxPaid(notRecorded, 1_000, Now), Now), HttpStatusCode.NotFound)).Code);
        var unreadable = System.Text.Encoding.UTF8.GetBytes("not json " + Guid.NewGuid());
        Assert.Equal("malformed_payload", (await Problem.ReadAsync(await PostRawAsync(sender, "sandbox", unreadable), HttpStatusCode.BadRequest)).Code);
        Assert.Equal(1, await RefusedEventsAsync(unknownReference));
        Assert.Equal(0, await RefusedEventsAsync(notRecorded));
        Assert.Equal(0, await CountAsync(factory, "SELECT COUNT(*) FROM webhook_events WHERE payload = @Body", new { Body = unreadable }));

        // The tenant's genuine notification from that same address is applied, and its keyed requests are served.
        Assert.Equal(("processed", "applied"), await ReceiptAsync(await PostSandboxAsync(sender, SandboxPaid(setup.Reference, setup.Amount, Now), Now)));
        Assert.Equal(HttpStatusCode.OK, (await merchantThere.GetAsync("/me")).StatusCode);
    }

    [Fact]
    public async Task Key_failures_and_webhook_failures_are_separate_budgets()
    {
        var setup = await AttemptAsync(factory);
        var address = NewAddress();
        using var wrongKey = factory.ClientFrom(address, WrongApiKey);
        using var valid = factory.ClientFrom(address, setup.Tenant.ApiKey);
        var forged = SandboxWebhookJson.Serialize(SandboxPaid(setup.Reference, setup.Amount, Now));

        for (var i = 0; i < ThrottlingApiFactory.FailedAuthPerMinute - 1; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrongKey.GetAsync("/me")).StatusCode);
        }

        for (var i = 0; i < ThrottlingApiFactory.FailedWebhooksPerMinute - 1; i++)
        {
            var response = await PostRawAsync(wrongKey, "sandbox", forged, (SandboxWebhookSignature.HeaderName, Sign(forged, Now, "another-secret")));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // One short of each budget: one budget of their sum would be spent by now.
        Assert.Equal(HttpStatusCode.OK, (await valid.GetAsync("/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongKey.GetAsync("/me")).StatusCode);
        await AssertRateLimitedAsync(await valid.GetAsync("/me"));
    }

    [Fact]
    public async Task Successful_requests_and_other_refusals_never_count_as_failures()
    {
        var setup = await AttemptAsync(factory);
        var address = NewAddress();
        using var merchant = factory.ClientFrom(address, setup.Tenant.ApiKey);
        using var gateway = factory.ClientFrom(address);
        var paid = SandboxPaid(setup.Reference, setup.Amount, Now);

        for (var i = 0; i < 3 * ThrottlingApiFactory.FailedAuthPerMinute; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await merchant.GetAsync("/me")).StatusCode);
            Assert.Equal("invoice_not_found", (await Problem.ReadAsync(await merchant.GetAsync($"/invoices/{Guid.NewGuid()}"), HttpStatusCode.NotFound)).Code);
        }

        // The payment, then its repeats: as many webhooks as their limit allows, more than the failure budget
        // (FailedWebhooksPerMinute), all answered 200.
        Assert.Equal(("processed", "applied"), await ReceiptAsync(await PostSandboxAsync(gateway, paid, Now)));
        for (var i = 0; i < ThrottlingApiFactory.WebhooksPerMinute - 1; i++)
        {
            Assert.Equal(("duplicate", (string?)null), await ReceiptAsync(await PostSandboxAsync(gateway, paid, Now)));
        }

        Assert.Equal(HttpStatusCode.OK, (await merchant.GetAsync("/me")).StatusCode);
    }

    [Fact]
    public async Task X_forwarded_for_is_not_believed_from_an_unlisted_proxy()
    {
        var tenant = await factory.CreateTenantAsync();
        var address = NewAddress();
        using var client = factory.ClientFrom(address);

        for (var i = 0; i < ThrottlingApiFactory.FailedAuthPerMinute; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, WrongApiKey, forwardedFor: NewAddress())).StatusCode);
        }

        await AssertRateLimitedAsync(await SendAsync(client, tenant.ApiKey, forwardedFor: NewAddress()));
    }

    [Fact]
    public async Task Requests_without_a_client_address_share_one_budget()
    {
        // The in-process server, like a Unix socket, gives no address: every such request counts as one client.
        var tenant = await factory.CreateTenantAsync();
        using var first = factory.CreateClient();
        using var second = factory.TenantClient(tenant.ApiKey);

        for (var i = 0; i < ThrottlingApiFactory.PagesPerMinute; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await first.GetAsync("/sandbox/checkout/PT-NO-SUCH-ATTEMPT")).StatusCode);
        }

        await AssertRateLimitedAsync(await second.GetAsync("/sandbox/checkout/PT-NO-SUCH-ATTEMPT"));
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/me")).StatusCode);
    }

    internal static IPAddress NewAddress()
    {
        // 198.18.0.0/15 is set aside for tests; one address per call, so no two tests share a budget.
        var n = Interlocked.Increment(ref _addresses);
        return new IPAddress([198, (byte)(18 + (n >> 16)), (byte)(n >> 8), (byte)n]);
    }

    internal static async Task AssertRateLimitedAsync(HttpResponseMessage response)
    {
        Assert.Equal("rate_limited", (await Problem.ReadAsync(response, HttpStatusCode.TooManyRequests)).Code);
        var retryAfter = int.Parse(response.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
    }

    /// <summary>GET /me with this key and this X-Forwarded-For.</summary>
    internal static Task<HttpResponseMessage> SendAsync(HttpClient client, string apiKey, IPAddress forwardedFor) =>
        SendAsync(client, apiKey, forwardedFor.ToString());

    internal static async Task<HttpResponseMessage> SendAsync(HttpClient client, string apiKey, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
        request.Headers.Add("X-API-Key", apiKey);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await client.SendAsync(request);
    }

    private Task<long> RefusedEventsAsync(string reference) =>
        CountAsync(factory, "SELECT COUNT(*) FROM webhook_events WHERE reference = @Reference", new { Reference = reference });

    private NodaTime.Instant Now => factory.Clock.GetCurrentInstant();
}
