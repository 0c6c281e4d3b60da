using System.Net;
using System.Text;
using System.Text.Json;
using NodaTime;
using PayTrust.Api.Tests.Invoices;
using Microsoft.AspNetCore.Mvc.Testing;
using PayTrust.Application.Features.Sandbox;

namespace PayTrust.Api.Tests.Payments;

/// <summary>Runs the API with the sandbox's webhooks going to a <see cref="WebhookReceiver"/> and a known webhook secret.</summary>
public sealed class SandboxApiFactory : PayTrustApiFactory
{
    public const string WebhookSecret = "test-sandbox-webhook-secret";

    public WebhookReceiver Receiver { get; private set; } = null!;

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["PayTrust:Sandbox:WebhookSecret"] = WebhookSecret,
        ["PayTrust:Sandbox:WebhookUrl"] = Receiver.Url,
    };

    public override async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        await base.InitializeAsync();
    }

    protected override async Task DisposeTestResourcesAsync() => await Receiver.DisposeAsync();
}

/// <summary>The sandbox gateway's checkout page (spec §7.3): four HTML forms, each sending a signed webhook.</summary>
public class SandboxCheckoutTests(SandboxApiFactory factory) : IClassFixture<SandboxApiFactory>
{
    [Fact]
    public async Task The_checkout_page_shows_the_attempt_and_four_plain_forms()
    {
        var (_, attempt) = await OpenCheckoutAsync();
        using var browser = factory.CreateClient();

        var response = await browser.GetAsync(CheckoutPath(attempt));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("IDR 1,000,000", html);
        Assert.Contains(attempt.GetProperty("reference").GetString()!, html);
        foreach (var action in new[] { "pay_in_full", "pay_amount", "decline", "expire" })
        {
            Assert.Contains($"name=\"action\" value=\"{action}\"", html);
        }

        Assert.Contains("name=\"amount\"", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=\"http", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Pay_in_full_sends_a_signed_webhook_for_the_whole_attempt()
    {
        var (_, attempt) = await OpenCheckoutAsync();

        var (response, webhook) = await SubmitAsync(attempt, ("action", "pay_in_full"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Payment sent", await response.Content.ReadAsStringAsync());
        var sent = JsonDocument.Parse(webhook.Body).RootElement;
        Assert.Equal("payment.succeeded", sent.GetProperty("type").GetString());
        Assert.StartsWith("evt_", sent.GetProperty("id").GetString());
        var data = sent.GetProperty("data");
        Assert.Equal(attempt.GetProperty("reference").GetString(), data.GetProperty("reference").GetString());
        Assert.Equal("paid", data.GetProperty("status").GetString());
        Assert.Equal(attempt.GetProperty("amount").GetInt64(), data.GetProperty("amount").GetInt64());
        Assert.Equal("IDR", data.GetProperty("currency").GetString());
        Assert.StartsWith("sbx_txn_", data.GetProperty("transaction_id").GetString());
        Assert.Equal("application/json", webhook.Headers["Content-Type"].Split(';')[0]);
        Assert.True(SandboxWebhookSignature.Verify(SandboxApiFactory.WebhookSecret, webhook.Headers["PayTrust-Signature"], webhook.Body, SystemClock.Instance.GetCurrentInstant()));
        Assert.False(SandboxWebhookSignature.Verify("another-secret", webhook.Headers["PayTrust-Signature"], webhook.Body, SystemClock.Instance.GetCurrentInstant()));
    }

    [Fact]
    public async Task Pay_an_amount_sends_the_amount_typed_in_minor_units()
    {
        var (_, attempt) = await OpenCheckoutAsync();

        var (_, webhook) = await SubmitAsync(attempt, ("action", "pay_amount"), ("amount", "123456"));

        var data = JsonDocument.Parse(webhook.Body).RootElement.GetProperty("data");
        Assert.Equal(123_456, data.GetProperty("amount").GetInt64());
        Assert.Equal("paid", data.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("decline", "declined", "declined")]
    [InlineData("expire", "expired", "expired")]
    public async Task Decline_and_expire_send_failed_payments_with_their_failure_code(string action, string status, string failureCode)
    {
        var (_, attempt) = await OpenCheckoutAsync();

        var (_, webhook) = await SubmitAsync(attempt, ("action", action));

        var sent = JsonDocument.Parse(webhook.Body).RootElement;
        Assert.Equal("payment.failed", sent.GetProperty("type").GetString());
        Assert.Equal(status, sent.GetProperty("data").GetProperty("status").GetString());
        Assert.Equal(failureCode, sent.GetProperty("data").GetProperty("failure_code").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("-5")]
    [InlineData("12.50")]
    [InlineData("0")]
    [InlineData("99999999999999999999")]
    public async Task A_bad_amount_is_a_400_page_and_sends_nothing(string amount)
    {
        var (_, attempt) = await OpenCheckoutAsync();
        var before = factory.Receiver.Received.Count;
        using var browser = factory.CreateClient();

        var response = await browser.PostAsync(CheckoutPath(attempt), Form(("action", "pay_amount"), ("amount", amount)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(before, factory.Receiver.Received.Count);
    }

    [Fact]
    public async Task An_unknown_action_or_address_sends_nothing()
    {
        var (_, attempt) = await OpenCheckoutAsync();
        var before = factory.Receiver.Received.Count;
        using var browser = factory.CreateClient();

        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync(CheckoutPath(attempt), Form(("action", "refund")))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.PostAsync("/sandbox/checkout/PTNOPE-001", Form(("action", "pay_in_full")))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/sandbox/checkout/PTNOPE-001")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/sandbox/checkout/{new string('0', 32)}")).StatusCode);
        Assert.Equal(before, factory.Receiver.Received.Count);
    }

    [Fact]
    public async Task The_checkout_is_reached_by_its_session_token_only_not_by_the_attempt_reference()
    {
        var (_, attempt) = await OpenCheckoutAsync();
        var token = attempt.GetProperty("gateway_reference").GetString()!;
        var reference = attempt.GetProperty("reference").GetString()!;
        var before = factory.Receiver.Received.Count;
        using var browser = factory.CreateClient();

        var byToken = await browser.GetAsync($"/sandbox/checkout/{token}");
        var byReference = await browser.GetAsync($"/sandbox/checkout/{reference}");
        var paidByReference = await browser.PostAsync($"/sandbox/checkout/{reference}", Form(("action", "pay_in_full")));
        var byUpperCaseToken = await browser.GetAsync($"/sandbox/checkout/{token.ToUpperInvariant()}");

        Assert.Equal(HttpStatusCode.OK, byToken.StatusCode);
        Assert.Contains($"action=\"/sandbox/checkout/{token}\"", await byToken.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, byReference.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, paidByReference.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byUpperCaseToken.StatusCode);
        Assert.Equal(before, factory.Receiver.Received.Count);
    }

    [Fact]
    public async Task Every_session_gets_its_own_token()
    {
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 5; i++)
        {
            var (_, attempt) = await OpenCheckoutAsync();
            Assert.True(tokens.Add(attempt.GetProperty("gateway_reference").GetString()!));
        }
    }

    [Fact]
    public async Task A_session_opened_before_tokens_gets_no_page_and_the_payment_link_opens_a_new_one()
    {
        var (invoiceId, attempt) = await OpenCheckoutAsync();
        var reference = attempt.GetProperty("reference").GetString()!;
        var oldSessionId = "sbx_" + Guid.NewGuid().ToString("N");
        // As the sandbox opened sessions before migration 0015: a Guid for the session id, the reference for the address.
        await PaymentApi.ExecuteAsync(factory,
            "UPDATE payment_attempts SET gateway_reference = @OldSessionId, checkout_url = @Url WHERE id = @Id",
            new { OldSessionId = oldSessionId, Url = $"https://pay.example.test/sandbox/checkout/{reference}", Id = attempt.GetProperty("id").GetGuid() });
        await PaymentApi.ExecuteAsync(factory, MigrationDataFix(), new { });
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var paymentPath = await PaymentPathAsync(invoiceId);

        var byReference = await browser.GetAsync($"/sandbox/checkout/{reference}");
        var byOldSessionId = await browser.GetAsync($"/sandbox/checkout/{oldSessionId}");
        var link = await browser.GetAsync(paymentPath);

        Assert.Equal(HttpStatusCode.NotFound, byReference.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byOldSessionId.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, link.StatusCode);
        var attempts = await PaymentApi.AttemptsAsync(factory, invoiceId);
        Assert.Equal([(reference, "expired"), (attempts[1].Reference, "pending")], attempts.Select(a => (a.Reference, a.Status)));
        Assert.Equal($"https://pay.example.test/sandbox/checkout/{attempts[1].GatewayReference}", link.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(link.Headers.Location.AbsolutePath)).StatusCode);
    }

    [Fact]
    public async Task A_checkout_that_is_no_longer_open_sends_nothing()
    {
        var (_, attempt) = await OpenCheckoutAsync();
        await PaymentApi.ExecuteAsync(factory, "UPDATE payment_attempts SET status = 'expired' WHERE id = @Id", new { Id = attempt.GetProperty("id").GetGuid() });
        var before = factory.Receiver.Received.Count;
        using var browser = factory.CreateClient();

        var page = await (await browser.GetAsync(CheckoutPath(attempt))).Content.ReadAsStringAsync();
        var response = await browser.PostAsync(CheckoutPath(attempt), Form(("action", "pay_in_full")));

        Assert.DoesNotContain("value=\"pay_in_full\"", page);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(before, factory.Receiver.Received.Count);
    }

    [Fact]
    public async Task What_the_receiver_answers_is_reported_on_the_page()
    {
        var (_, attempt) = await OpenCheckoutAsync();
        factory.Receiver.StatusToAnswer = 503;
        try
        {
            var (response, _) = await SubmitAsync(attempt, ("action", "pay_in_full"));

            Assert.Contains("PayTrust answered HTTP 503", await response.Content.ReadAsStringAsync());
        }
        finally
        {
            factory.Receiver.StatusToAnswer = 200;
        }
    }

    private async Task<(Guid InvoiceId, JsonElement Attempt)> OpenCheckoutAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.OneMillionRupiah());
        return (invoiceId, await PaymentApi.TakeAttemptAsync(client, invoiceId));
    }

    private async Task<(HttpResponseMessage Response, ReceivedWebhook Webhook)> SubmitAsync(JsonElement attempt, params (string Name, string Value)[] fields)
    {
        using var browser = factory.CreateClient();
        var before = factory.Receiver.Received.Count;
        var response = await browser.PostAsync(CheckoutPath(attempt), Form(fields));
        Assert.Equal(before + 1, factory.Receiver.Received.Count);
        return (response, factory.Receiver.Received.ToArray()[^1]);
    }

    /// <summary>The data fix of db/migrations/0015 (its UPDATE statement), to run it on a session made the old way.</summary>
    private static string MigrationDataFix()
    {
        var script = File.ReadAllText(Path.Combine(PayTrust.Testing.RepositoryFiles.Root, "db", "migrations", "0015_sandbox_checkout_token.sql"));
        var statements = script.Split(';').Select(statement => string.Join('\n', statement.Split('\n').Where(line => !line.TrimStart().StartsWith("--", StringComparison.Ordinal))).Trim());
        return Assert.Single(statements, statement => statement.StartsWith("UPDATE", StringComparison.Ordinal));
    }

    private async Task<string> PaymentPathAsync(Guid invoiceId)
    {
        await using var connection = await factory.Database.OpenAsync();
        return "/pay/" + await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection, "SELECT payment_token FROM invoices WHERE id = @Id", new { Id = invoiceId });
    }

    private static string CheckoutPath(JsonElement attempt) => new Uri(attempt.GetProperty("checkout_url").GetString()!).AbsolutePath;

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(field => new KeyValuePair<string, string>(field.Name, field.Value)));
}
