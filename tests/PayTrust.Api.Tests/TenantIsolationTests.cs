using System.Net;
using PayTrust.Api.Tests.Invoices;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace PayTrust.Api.Tests;

/// <summary>
/// The isolation harness. It reads the route table of the running service, so a route added later is
/// covered automatically: a tenant route that takes an id fails here until a resource maker is listed
/// below, and then tenant B's key against tenant A's resource must get 404 and change nothing.
/// </summary>
public class TenantIsolationTests(PayTrustApiFactory factory) : IClassFixture<PayTrustApiFactory>
{
    /// <summary>Routes anyone may call: operations, the OpenAPI document and the /docs reference's own assets.</summary>
    // The payment link and the sandbox checkout are for customers: the random token in the path is what they hold.
    // Gateways call /webhooks/{gateway} with no API key: the signature on the body is the credential (spec §7.4).
    private static readonly HashSet<string> PublicRoutes = ["/health", "/ready", "/openapi/{documentName}.json", "/pay/{token}", "/sandbox/checkout/{token}", "/webhooks/{gateway}"];

    private static bool IsPublic(string pattern) => PublicRoutes.Contains(pattern) || pattern.StartsWith("/docs/", StringComparison.Ordinal);

    /// <summary>
    /// Tenant routes whose parameter names a platform thing, not a tenant's resource: they always act on the
    /// caller's own data, so there is no other tenant's resource to reach (each has its own isolation test).
    /// </summary>
    private static readonly HashSet<string> CallerScopedRoutes = ["/gateways/{code}/credentials"];

    /// <summary>
    /// For each route pattern with parameters that a tenant key opens (tenant-only or tenant-or-admin): make tenant A's resource and return the concrete path
    /// and a body that would be valid for the owner (so the intruder's 404 is not a 400 in disguise).
    /// Payments add their makers here as they arrive; reports take no id (see the report test below).
    /// </summary>
    private static readonly Dictionary<string, Func<PayTrustApiFactory, TestTenant, Task<Probe>>> ResourceMakers = new()
    {
        ["/invoices/{id:guid}"] = async (f, owner) => new Probe($"/invoices/{await InvoiceApi.CreateIdAsync(f, owner)}", """{"description":"changed"}"""),
        ["/invoices/{id:guid}/cancel"] = async (f, owner) => new Probe($"/invoices/{await InvoiceApi.CreateIdAsync(f, owner)}/cancel"),
        ["/invoices/{id:guid}/supplementary"] = async (f, owner) =>
            new Probe($"/invoices/{await InvoiceApi.CreatePendingIdAsync(f, owner)}/supplementary", """{"line_items":[{"product_name":"Extra","quantity":1,"unit_price":1000}]}"""),
        ["/invoices/{id:guid}/installments"] = async (f, owner) =>
            new Probe($"/invoices/{await InvoiceApi.CreateIdAsync(f, owner, InvoiceApi.WithInstallments(2))}/installments", """{"amounts":[1,1]}"""),
        ["/invoices/{id:guid}/payment-initiation"] = async (f, owner) => new Probe($"/invoices/{await InvoiceApi.CreateIdAsync(f, owner)}/payment-initiation"),
        ["/invoices/{id:guid}/payment-attempts"] = async (f, owner) => new Probe($"/invoices/{await InvoiceApi.CreateIdAsync(f, owner)}/payment-attempts"),
        ["/invoices/{id:guid}/payments"] = async (f, owner) =>
            new Probe($"/invoices/{await InvoiceApi.CreateIdAsync(f, owner)}/payments", """{"amount":1000,"currency_code":"IDR","reference":"ISO-1","rail":"manual_settlement"}"""),
        ["/invoices/{id:guid}/payments/{paymentId:guid}"] = async (f, owner) =>
        {
            var invoiceId = await InvoiceApi.CreateIdAsync(f, owner);
            using var ownerClient = f.TenantClient(owner.ApiKey);
            var recorded = await ownerClient.PostAsync($"/invoices/{invoiceId}/payments", new StringContent(
                """{"amount":1000,"currency_code":"IDR","reference":"ISO-2","rail":"manual_settlement"}""", System.Text.Encoding.UTF8, "application/json"));
            return new Probe(recorded.Headers.Location!.OriginalString);
        },
        ["/invoices/{id:guid}/transactions"] = async (f, owner) => new Probe($"/invoices/{await InvoiceApi.CreateIdAsync(f, owner)}/transactions"),
        ["/invoices/{id:guid}/discrepancies"] = async (f, owner) => new Probe($"/invoices/{await InvoiceApi.CreateIdAsync(f, owner)}/discrepancies"),
        ["/invoices/{id:guid}/overpayment"] = async (f, owner) => new Probe($"/invoices/{await InvoiceApi.CreateIdAsync(f, owner)}/overpayment"),
        ["/invoices/{id:guid}/refunds"] = async (f, owner) => new Probe($"/invoices/{await InvoiceApi.CreateIdAsync(f, owner)}/refunds"),
        // Stranded money (a payment for a cancelled invoice) and an open invoice to apply it to, both the owner's.
        ["/payments/{id:guid}/apply"] = async (f, owner) =>
        {
            var paymentId = await StrandedPaymentAsync(f, owner);
            return new Probe($"/payments/{paymentId}/apply", $$"""{"invoice_id":"{{await InvoiceApi.CreateIdAsync(f, owner)}}"}""");
        },
        // Open to a tenant key or the admin key: a tenant reaches its own stored events only.
        ["/webhooks/events/{id:guid}/replay"] = async (f, owner) => new Probe($"/webhooks/events/{await StoredWebhookEventAsync(f, owner)}/replay"),
    };

    /// <summary>Delivers a sandbox event signed with this instance's sandbox secret, as the sandbox does; 200 expected.</summary>
    private static async Task<System.Text.Json.JsonElement> PostSandboxAsync(PayTrustApiFactory f, PayTrust.Application.Features.Sandbox.SandboxWebhookEvent webhook, NodaTime.Instant now)
    {
        var body = PayTrust.Application.Features.Sandbox.SandboxWebhookJson.Serialize(webhook);
        var secret = f.Services.GetRequiredService<PayTrust.Application.Abstractions.IPlatformSettings>().SandboxWebhookSecret;
        using var gateway = f.CreateClient();
        return await HttpAssert.JsonAsync(
            await Webhooks.WebhookApi.PostRawAsync(gateway, "sandbox", body, (PayTrust.Application.Features.Sandbox.SandboxWebhookSignature.HeaderName,
                PayTrust.Application.Features.Sandbox.SandboxWebhookSignature.Sign(secret, now, body))),
            HttpStatusCode.OK);
    }

    /// <summary>A webhook event of <paramref name="owner"/>'s, stored as the sandbox delivers it: a declined payment of an attempt.</summary>
    private static async Task<Guid> StoredWebhookEventAsync(PayTrustApiFactory f, TestTenant owner)
    {
        using var ownerClient = f.TenantClient(owner.ApiKey);
        var attempt = await Payments.PaymentApi.TakeAttemptAsync(ownerClient, await InvoiceApi.CreateIdAsync(f, owner), null);
        var now = NodaTime.SystemClock.Instance.GetCurrentInstant();
        var declined = Webhooks.WebhookApi.SandboxDeclined(attempt.GetProperty("reference").GetString()!, attempt.GetProperty("amount").GetInt64(), now);
        var receipt = await PostSandboxAsync(f, declined, now);
        return receipt.GetProperty("event_id").GetGuid();
    }

    /// <summary>Money of <paramref name="owner"/>'s that is not applied: its invoice was cancelled, then the sandbox reported it paid.</summary>
    private static async Task<Guid> StrandedPaymentAsync(PayTrustApiFactory f, TestTenant owner)
    {
        using var ownerClient = f.TenantClient(owner.ApiKey);
        var invoiceId = await InvoiceApi.CreateIdAsync(f, owner);
        var attempt = await Payments.PaymentApi.TakeAttemptAsync(ownerClient, invoiceId, null);
        await HttpAssert.JsonAsync(await ownerClient.PostAsync($"/invoices/{invoiceId}/cancel", null), HttpStatusCode.OK);
        var now = NodaTime.SystemClock.Instance.GetCurrentInstant();
        var paid = Webhooks.WebhookApi.SandboxPaid(attempt.GetProperty("reference").GetString()!, attempt.GetProperty("amount").GetInt64(), now);
        var receipt = await PostSandboxAsync(f, paid, now);
        Assert.Equal("recorded_not_applied", receipt.GetProperty("outcome").GetString());
        var stranded = await HttpAssert.JsonAsync(await ownerClient.GetAsync("/payments?applied=false"), HttpStatusCode.OK);
        return stranded.GetProperty("data").EnumerateArray().Single(p => p.GetProperty("invoice_id").GetGuid() == invoiceId).GetProperty("id").GetGuid();
    }

    [Fact]
    public void Every_route_is_public_by_name_or_needs_a_tenant_or_admin_key()
    {
        var unguarded = Routes().Where(r => r.Policy is null && !IsPublic(r.Pattern) && !r.Pattern.StartsWith("/_test/", StringComparison.Ordinal)).ToArray();

        Assert.True(unguarded.Length == 0, "Routes with neither a policy nor a place in PublicRoutes: " + string.Join(", ", unguarded.Select(r => r.Pattern)));
        Assert.Contains(Routes(), r => r.Policy == "Tenant");
        Assert.Contains(Routes(), r => r.Policy == "Admin");
    }

    [Fact]
    public void Every_tenant_route_with_an_id_has_a_resource_maker()
    {
        var withIds = TenantRoutesWithParameters().Select(r => r.Pattern).Distinct().Order().ToArray();

        Assert.Equal(withIds, ResourceMakers.Keys.Order().ToArray());
    }

    [Fact]
    public async Task Another_tenants_resource_is_404_on_every_method_and_nothing_changes()
    {
        var owner = await factory.CreateTenantAsync("Owner");
        var intruder = await factory.CreateTenantAsync("Intruder");
        using var client = factory.TenantClient(intruder.ApiKey);
        var checkedPatterns = new HashSet<string>();

        foreach (var route in TenantRoutesWithParameters())
        {
            var probe = await ResourceMakers[route.Pattern](factory, owner);
            var before = await DatabaseChecksum.OfAsync(factory.Database);
            foreach (var method in route.Methods)
            {
                var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), probe.Path) { Content = new StringContent(probe.Body, System.Text.Encoding.UTF8, "application/json") });
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {probe.Path} as another tenant answered {(int)response.StatusCode}");
            }

            // The owner reaches the same path, so the 404 above is about the tenant and not the path.
            using var ownerClient = factory.TenantClient(owner.ApiKey);
            var own = await ownerClient.GetAsync(probe.Path);
            Assert.True(own.StatusCode is HttpStatusCode.OK or HttpStatusCode.MethodNotAllowed, $"GET {probe.Path} as the owner answered {(int)own.StatusCode}");

            Assert.Equal(before, await DatabaseChecksum.OfAsync(factory.Database));
            checkedPatterns.Add(route.Pattern);
        }

        Assert.Equal(ResourceMakers.Keys.Order(), checkedPatterns.Order());
    }

    /// <summary>
    /// Routes with no id in the path answer with the caller's own data only; reports (spec §6: "including lists,
    /// reports, exports") are checked here with money in the owner's books: the intruder's report of the same window
    /// is empty in JSON and CSV, while the owner's shows the invoice and the cash.
    /// </summary>
    [Fact]
    public async Task Another_tenants_money_never_appears_in_a_financial_report()
    {
        var owner = await factory.CreateTenantAsync("Owner");
        var intruder = await factory.CreateTenantAsync("Intruder");
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, owner);
        using var ownerClient = factory.TenantClient(owner.ApiKey);
        await HttpAssert.JsonAsync(await ownerClient.PostAsync($"/invoices/{invoiceId}/payments", new StringContent(
            """{"amount":337000,"currency_code":"IDR","reference":"ISO-REPORT","rail":"bank_transfer"}""", System.Text.Encoding.UTF8, "application/json")),
            HttpStatusCode.Created);
        var now = DateTimeOffset.UtcNow;
        var path = $"/reports/financial?start_date={now.AddHours(-1):yyyy-MM-ddTHH:mm:ssZ}&end_date={now.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}";

        using var intruderClient = factory.TenantClient(intruder.ApiKey);
        var theirs = await HttpAssert.JsonAsync(await intruderClient.GetAsync(path), HttpStatusCode.OK);
        var theirCsv = await intruderClient.GetStringAsync(path + "&format=csv");
        var own = await HttpAssert.JsonAsync(await ownerClient.GetAsync(path), HttpStatusCode.OK);

        Assert.Empty(theirs.GetProperty("by_currency").EnumerateArray());
        Assert.Single(theirCsv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)); // the header only
        var idr = Assert.Single(own.GetProperty("by_currency").EnumerateArray());
        Assert.Equal(1, idr.GetProperty("invoice_count").GetInt64());
        Assert.Equal(337_000, idr.GetProperty("collected").GetInt64());
    }

    private IEnumerable<Route> TenantRoutesWithParameters() =>
        Routes().Where(r => r.Policy is "Tenant" or "TenantOrAdmin" && r.Pattern.Contains('{', StringComparison.Ordinal)
            && !r.Pattern.StartsWith("/_test/", StringComparison.Ordinal) && !CallerScopedRoutes.Contains(r.Pattern));

    private Route[] Routes() =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => new Route(
                "/" + (e.RoutePattern.RawText ?? "").TrimStart('/').TrimEnd('/'),
                e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null),
                e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"]))
            .ToArray();

    private sealed record Route(string Pattern, string? Policy, IReadOnlyList<string> Methods);

    private sealed record Probe(string Path, string Body = "{}");
}
