using System.Net;
using System.Text.Json;
using NodaTime;
using PayTrust.Api.Tests.Invoices;
using PayTrust.Application.Features.Sandbox;

namespace PayTrust.Api.Tests.Payments;

/// <summary>
/// GET /invoices/{id}/transactions, /discrepancies, /overpayment and /refunds (spec §7.8), over money that arrived
/// both ways: signed sandbox webhooks (the gateway path) and payments the merchant recorded.
/// </summary>
public class PaymentQueryTests(SandboxApiFactory factory) : IClassFixture<SandboxApiFactory>
{
    private static readonly string[] Routes = ["transactions", "discrepancies", "overpayment", "refunds"];

    [Fact]
    public async Task Transactions_list_the_attempts_and_payments_oldest_first()
    {
        var paid = await PaidInvoiceAsync();

        var data = (await InvoiceApi.GetAsync(paid.Client, $"/invoices/{paid.InvoiceId}/transactions")).GetProperty("data").EnumerateArray().ToArray();

        Assert.Equal(["attempt", "payment", "payment"], data.Select(e => e.GetProperty("type").GetString()));
        var attempt = data[0];
        Assert.Equal(paid.Attempt.GetProperty("id").GetGuid(), attempt.GetProperty("id").GetGuid());
        Assert.Equal("sandbox", attempt.GetProperty("gateway").GetString());
        Assert.Equal("card_psp", attempt.GetProperty("rail").GetString());
        Assert.Equal(paid.Attempt.GetProperty("reference").GetString(), attempt.GetProperty("reference").GetString());
        Assert.Equal(paid.Attempt.GetProperty("gateway_reference").GetString(), attempt.GetProperty("gateway_reference").GetString());
        Assert.Equal(1_000_000, attempt.GetProperty("amount").GetInt64());
        Assert.Equal("IDR", attempt.GetProperty("currency_code").GetString());
        Assert.Equal("succeeded", attempt.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("failure_code").ValueKind);
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("source").ValueKind);
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("paid_at").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, attempt.GetProperty("updated_at").ValueKind);

        var fromGateway = data[1];
        Assert.Equal(paid.GatewayPaymentId, fromGateway.GetProperty("id").GetGuid());
        Assert.Equal(paid.Attempt.GetProperty("id").GetGuid(), fromGateway.GetProperty("attempt_id").GetGuid());
        Assert.Equal("sandbox", fromGateway.GetProperty("gateway").GetString());
        Assert.Equal(paid.TransactionId, fromGateway.GetProperty("gateway_transaction_id").GetString());
        Assert.Equal(400_000, fromGateway.GetProperty("amount").GetInt64());
        Assert.Equal("succeeded", fromGateway.GetProperty("status").GetString());
        Assert.Equal("webhook", fromGateway.GetProperty("source").GetString());
        Assert.NotEqual(JsonValueKind.Null, fromGateway.GetProperty("paid_at").ValueKind);

        var fromMerchant = data[2];
        Assert.Equal(paid.MerchantPaymentId, fromMerchant.GetProperty("id").GetGuid());
        Assert.Equal(JsonValueKind.Null, fromMerchant.GetProperty("attempt_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, fromMerchant.GetProperty("gateway").ValueKind);
        Assert.Equal("manual_settlement", fromMerchant.GetProperty("rail").GetString());
        Assert.Equal("MANUAL-" + paid.InvoiceId, fromMerchant.GetProperty("reference").GetString());
        Assert.Equal(600_000, fromMerchant.GetProperty("amount").GetInt64());
        Assert.Equal("merchant", fromMerchant.GetProperty("source").GetString());

        var times = data.Select(e => e.GetProperty("created_at").GetDateTimeOffset()).ToArray();
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public async Task A_declined_attempt_shows_failed_with_its_failure_code()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.OneMillionRupiah());
        var attempt = await PaymentApi.TakeAttemptAsync(client, invoiceId);
        var reference = attempt.GetProperty("reference").GetString()!;
        await SendWebhookAsync(new SandboxWebhookEvent(EventId(), "payment.failed", Now(),
            new SandboxWebhookData(reference, "sbx_txn_" + Guid.NewGuid().ToString("N"), "declined", 1_000_000, "IDR", "insufficient_funds")));

        var entry = Assert.Single((await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}/transactions")).GetProperty("data").EnumerateArray());

        Assert.Equal("attempt", entry.GetProperty("type").GetString());
        Assert.Equal("failed", entry.GetProperty("status").GetString());
        Assert.Equal("insufficient_funds", entry.GetProperty("failure_code").GetString());
    }

    [Fact]
    public async Task Discrepancies_carry_the_signed_difference_and_null_for_another_currency()
    {
        var paid = await PaidInvoiceAsync();

        var underpayment = Assert.Single((await InvoiceApi.GetAsync(paid.Client, $"/invoices/{paid.InvoiceId}/discrepancies")).GetProperty("data").EnumerateArray());
        Assert.Equal("underpayment", underpayment.GetProperty("kind").GetString());
        Assert.Equal(1_000_000, underpayment.GetProperty("expected_amount").GetInt64());
        Assert.Equal(400_000, underpayment.GetProperty("received_amount").GetInt64());
        Assert.Equal(-600_000, underpayment.GetProperty("difference").GetInt64());
        Assert.Equal("IDR", underpayment.GetProperty("expected_currency_code").GetString());
        Assert.Equal("IDR", underpayment.GetProperty("received_currency_code").GetString());
        Assert.Equal(paid.GatewayPaymentId, underpayment.GetProperty("payment_id").GetGuid());
        Assert.NotEqual(JsonValueKind.Null, underpayment.GetProperty("webhook_event_id").ValueKind);

        // Another invoice paid in another currency: recorded, nothing applied, no difference to compute.
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.OneMillionRupiah());
        var attempt = await PaymentApi.TakeAttemptAsync(client, invoiceId);
        await SendWebhookAsync(Paid(attempt.GetProperty("reference").GetString()!, "sbx_txn_" + Guid.NewGuid().ToString("N"), 6_500, "USD"));

        var mismatch = Assert.Single((await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}/discrepancies")).GetProperty("data").EnumerateArray());
        Assert.Equal("currency_mismatch", mismatch.GetProperty("kind").GetString());
        Assert.Equal("IDR", mismatch.GetProperty("expected_currency_code").GetString());
        Assert.Equal(1_000_000, mismatch.GetProperty("expected_amount").GetInt64());
        Assert.Equal("USD", mismatch.GetProperty("received_currency_code").GetString());
        Assert.Equal(6_500, mismatch.GetProperty("received_amount").GetInt64());
        Assert.Equal(JsonValueKind.Null, mismatch.GetProperty("difference").ValueKind);
        Assert.Equal(0, (await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}")).GetProperty("amount_paid").GetInt64());
    }

    [Fact]
    public async Task Refunds_list_what_the_gateway_reported_against_the_payment()
    {
        var paid = await PaidInvoiceAsync();

        var refund = Assert.Single((await InvoiceApi.GetAsync(paid.Client, $"/invoices/{paid.InvoiceId}/refunds")).GetProperty("data").EnumerateArray());

        Assert.NotEqual(Guid.Empty, refund.GetProperty("refund_id").GetGuid());
        Assert.Equal(paid.GatewayPaymentId, refund.GetProperty("payment_id").GetGuid());
        Assert.Equal(100_000, refund.GetProperty("amount").GetInt64());
        Assert.Equal("IDR", refund.GetProperty("currency_code").GetString());
        Assert.Equal("Customer returned one item", refund.GetProperty("reason").GetString());
        Assert.Equal("sandbox", refund.GetProperty("gateway").GetString());
        Assert.Equal(paid.RefundId, refund.GetProperty("gateway_refund_id").GetString());
        Assert.Equal(paid.RefundedAt.ToUnixTimeMilliseconds(), refund.GetProperty("refunded_at").GetDateTimeOffset().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task The_overpayment_summary_agrees_with_the_invoice()
    {
        var paid = await PaidInvoiceAsync();

        var exact = await InvoiceApi.GetAsync(paid.Client, $"/invoices/{paid.InvoiceId}/overpayment");
        Assert.Equal(1_000_000, exact.GetProperty("total_amount").GetInt64());
        Assert.Equal(1_000_000, exact.GetProperty("total_paid").GetInt64());
        Assert.Equal(0, exact.GetProperty("overpayment_amount").GetInt64());

        // The refund does not change what was paid (finance reads refunds beside it); more money does.
        await HttpAssert.JsonAsync(await RecordPaymentTests.RecordAsync(paid.Client, paid.InvoiceId, RecordPaymentTests.Payment(2_500, "EXTRA-" + paid.InvoiceId)), HttpStatusCode.Created);
        var over = await InvoiceApi.GetAsync(paid.Client, $"/invoices/{paid.InvoiceId}/overpayment");
        Assert.Equal(paid.InvoiceId, over.GetProperty("invoice_id").GetGuid());
        Assert.Equal(1_002_500, over.GetProperty("total_paid").GetInt64());
        Assert.Equal(2_500, over.GetProperty("overpayment_amount").GetInt64());
        Assert.Equal("IDR", over.GetProperty("currency_code").GetString());
        Assert.Equal(2_500, (await InvoiceApi.GetAsync(paid.Client, $"/invoices/{paid.InvoiceId}")).GetProperty("overpayment_amount").GetInt64());
    }

    [Fact]
    public async Task A_new_invoice_has_empty_lists_and_no_overpayment()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant);

        foreach (var route in new[] { "transactions", "discrepancies", "refunds" })
        {
            Assert.Empty((await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}/{route}")).GetProperty("data").EnumerateArray());
        }

        var overpayment = await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}/overpayment");
        Assert.Equal(337_000, overpayment.GetProperty("total_amount").GetInt64());
        Assert.Equal(0, overpayment.GetProperty("total_paid").GetInt64());
        Assert.Equal(0, overpayment.GetProperty("overpayment_amount").GetInt64());
    }

    [Fact]
    public async Task Another_tenants_invoice_or_an_unknown_one_is_404_on_every_query()
    {
        var paid = await PaidInvoiceAsync();
        var intruder = await factory.CreateTenantAsync("Intruder");
        using var client = factory.TenantClient(intruder.ApiKey);

        foreach (var route in Routes)
        {
            var other = await HttpAssert.Problem.ReadAsync(await client.GetAsync($"/invoices/{paid.InvoiceId}/{route}"), HttpStatusCode.NotFound);
            var unknown = await HttpAssert.Problem.ReadAsync(await client.GetAsync($"/invoices/{Guid.NewGuid()}/{route}"), HttpStatusCode.NotFound);
            Assert.Equal("invoice_not_found", other.Code);
            Assert.Equal("invoice_not_found", unknown.Code);
        }
    }

    /// <summary>
    /// IDR 1,000,000 through the sandbox: an attempt, 400,000 by webhook (an underpayment against the attempt),
    /// 600,000 recorded by the merchant (fully paid), then a refund of 100,000 of the gateway's payment.
    /// </summary>
    private async Task<PaidInvoice> PaidInvoiceAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = factory.TenantClient(tenant.ApiKey);
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.OneMillionRupiah());
        var attempt = await PaymentApi.TakeAttemptAsync(client, invoiceId);
        var reference = attempt.GetProperty("reference").GetString()!;
        var transactionId = "sbx_txn_" + Guid.NewGuid().ToString("N");

        var applied = await SendWebhookAsync(Paid(reference, transactionId, 400_000, "IDR"));
        Assert.Equal("applied", applied.GetProperty("outcome").GetString());
        var merchant = await HttpAssert.JsonAsync(
            await RecordPaymentTests.RecordAsync(client, invoiceId, RecordPaymentTests.Payment(600_000, "MANUAL-" + invoiceId)), HttpStatusCode.Created);
        Assert.Equal("fully_paid", merchant.GetProperty("invoice").GetProperty("status").GetString());
        var refundId = "sbx_rfd_" + Guid.NewGuid().ToString("N");
        var refundedAt = Now();
        var refunded = await SendWebhookAsync(SandboxWebhookEvent.RefundSucceeded(reference, transactionId, 100_000, "IDR", refundedAt, refundId, "Customer returned one item"));
        Assert.Equal("refund_recorded", refunded.GetProperty("outcome").GetString());

        var gatewayPaymentId = (await InvoiceApi.GetAsync(client, $"/events?type=payment.succeeded&page_size=100")).GetProperty("data").EnumerateArray()
            .Select(e => e.GetProperty("payload"))
            .Single(p => p.GetProperty("gateway_transaction_id").GetString() == transactionId)
            .GetProperty("payment_id").GetGuid();
        return new PaidInvoice(client, invoiceId, attempt, transactionId, gatewayPaymentId, merchant.GetProperty("id").GetGuid(), refundId,
            refundedAt.ToDateTimeOffset());
    }

    private static SandboxWebhookEvent Paid(string reference, string transactionId, long amount, string currency) =>
        new(EventId(), "payment.succeeded", Now(), new SandboxWebhookData(reference, transactionId, "paid", amount, currency, null));

    private async Task<JsonElement> SendWebhookAsync(SandboxWebhookEvent webhook)
    {
        var body = SandboxWebhookJson.Serialize(webhook);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/sandbox") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add(SandboxWebhookSignature.HeaderName, SandboxWebhookSignature.Sign(SandboxApiFactory.WebhookSecret, Now(), body));
        using var gateway = factory.CreateClient();
        return await HttpAssert.JsonAsync(await gateway.SendAsync(request), HttpStatusCode.OK);
    }

    // Microseconds, as stored, so a time sent can be compared with the time read back.
    private static Instant Now() => Instant.FromUnixTimeTicks(SystemClock.Instance.GetCurrentInstant().ToUnixTimeTicks() / 10 * 10);

    private static string EventId() => "evt_" + Guid.NewGuid().ToString("N");

    private sealed record PaidInvoice(
        HttpClient Client, Guid InvoiceId, JsonElement Attempt, string TransactionId, Guid GatewayPaymentId, Guid MerchantPaymentId, string RefundId,
        DateTimeOffset RefundedAt);
}
