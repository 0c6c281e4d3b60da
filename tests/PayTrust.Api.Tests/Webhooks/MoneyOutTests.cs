using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PayTrust.Api.Tests.Payments;
using PayTrust.Application.Features.Sandbox;
using Serilog.Events;
using static PayTrust.Api.Tests.Webhooks.WebhookApi;

namespace PayTrust.Api.Tests.Webhooks;

/// <summary>
/// Money out after payment (spec §7.4 steps 6–7): refunds, chargebacks and reversals reported by the gateways are
/// recorded against the tenant's own payment with their kind, summed on the invoice as amount_refunded, announced as
/// refund.recorded or payment.reversed — and booked only as the gateway's status API confirms them, so a signed body
/// replayed with another status word books nothing.
/// </summary>
public class MoneyOutTests(WebhookApiFactory factory) : IClassFixture<WebhookApiFactory>
{
    private const string ServerKey = StandInApiFactory.MidtransServerKey;
    private const string CallbackToken = StandInApiFactory.XenditCallbackToken;

    [Theory]
    [InlineData("partial_refund", "refund", "refund.recorded", "refund_recorded")]
    [InlineData("refund", "refund", "refund.recorded", "refund_recorded")]
    [InlineData("partial_chargeback", "chargeback", "payment.reversed", "chargeback_recorded")]
    [InlineData("chargeback", "chargeback", "payment.reversed", "chargeback_recorded")]
    public async Task Money_out_after_a_midtrans_settlement_is_recorded_with_its_kind_event_and_invoice_sum(
        string status, string kind, string eventType, string outcome)
    {
        var setup = await SettledMidtransAsync();
        using var gateway = factory.CreateClient();
        factory.Midtrans.AddMoneyOut(setup.Reference, status, 300_000, "customer asked");

        Assert.Equal(("processed", outcome), await ReceiptAsync(await PostMidtransAsync(gateway, Notification(setup.Reference))));

        var invoice = await HttpAssert.JsonAsync(await setup.Client.GetAsync($"/invoices/{setup.InvoiceId}"), HttpStatusCode.OK);
        Assert.Equal("fully_paid", invoice.GetProperty("status").GetString());
        Assert.Equal(setup.Amount, invoice.GetProperty("amount_paid").GetInt64());
        Assert.Equal(300_000, invoice.GetProperty("amount_refunded").GetInt64());
        var entry = Assert.Single((await HttpAssert.JsonAsync(await setup.Client.GetAsync($"/invoices/{setup.InvoiceId}/refunds"), HttpStatusCode.OK))
            .GetProperty("data").EnumerateArray());
        Assert.Equal((kind, 300_000L, "customer asked", "1"),
            (entry.GetProperty("kind").GetString(), entry.GetProperty("amount").GetInt64(), entry.GetProperty("reason").GetString(),
                entry.GetProperty("gateway_refund_id").GetString()));
        var announced = Assert.Single(await EventsAsync(setup.Client, eventType));
        Assert.Equal(kind, announced.GetProperty("payload").GetProperty("kind").GetString());
        Assert.Equal(300_000, announced.GetProperty("payload").GetProperty("amount").GetInt64());

        // Finance sees it in the report: money out by kind and what is left of what was collected.
        var now = factory.Clock.GetCurrentInstant();
        var report = await Reports.ReportApi.GetAsync(setup.Client, now - NodaTime.Duration.FromHours(1), now + NodaTime.Duration.FromHours(2), "IDR");
        var idr = Assert.Single(report.GetProperty("by_currency").EnumerateArray());
        Assert.Equal((setup.Amount, 300_000L, setup.Amount - 300_000),
            (idr.GetProperty("collected").GetInt64(), idr.GetProperty("refunded").GetInt64(), idr.GetProperty("net_collected").GetInt64()));
        var breakdown = Assert.Single(idr.GetProperty("money_out_breakdown").EnumerateArray());
        Assert.Equal((kind, 300_000L), (breakdown.GetProperty("kind").GetString(), breakdown.GetProperty("amount").GetInt64()));

        // A chargeback is logged at Critical (Serilog: Fatal): the merchant has lost the money and a dispute deadline runs.
        var critical = factory.Logs.Any(line => line.Level == LogEventLevel.Fatal && line.RenderMessage().Contains(setup.InvoiceId.ToString(), StringComparison.Ordinal));
        Assert.Equal(kind == "chargeback", critical);

        // The same notification again is a duplicate; nothing more leaves.
        Assert.Equal(("duplicate", null), await ReceiptAsync(await PostMidtransAsync(gateway, Notification(setup.Reference))));
        Assert.Equal(300_000, await CountAsync(factory, "SELECT amount_refunded FROM invoices WHERE id = @Id", new { Id = setup.InvoiceId }));
    }

    [Fact]
    public async Task A_deny_after_settlement_reverses_what_is_left_of_the_payment_and_the_invoice_stays_paid()
    {
        var setup = await SettledMidtransAsync();
        using var gateway = factory.CreateClient();
        factory.Midtrans.AddMoneyOut(setup.Reference, "partial_refund", 100_000);
        await ReceiptAsync(await PostMidtransAsync(gateway, Notification(setup.Reference)));
        factory.Midtrans.SetTransactionStatus(setup.Reference, "deny");

        Assert.Equal(("processed", "reversed"), await ReceiptAsync(await PostMidtransAsync(gateway, Notification(setup.Reference))));

        var entries = (await HttpAssert.JsonAsync(await setup.Client.GetAsync($"/invoices/{setup.InvoiceId}/refunds"), HttpStatusCode.OK))
            .GetProperty("data").EnumerateArray().Select(entry => (entry.GetProperty("kind").GetString(), entry.GetProperty("amount").GetInt64())).ToList();
        Assert.Equal([("refund", 100_000L), ("reversal", setup.Amount - 100_000)], entries);
        var invoice = await HttpAssert.JsonAsync(await setup.Client.GetAsync($"/invoices/{setup.InvoiceId}"), HttpStatusCode.OK);
        Assert.Equal(("fully_paid", setup.Amount, setup.Amount),
            (invoice.GetProperty("status").GetString(), invoice.GetProperty("amount_paid").GetInt64(), invoice.GetProperty("amount_refunded").GetInt64()));
        Assert.Equal(setup.Amount - 100_000, Assert.Single(await EventsAsync(setup.Client, "payment.reversed")).GetProperty("payload").GetProperty("amount").GetInt64());
    }

    [Fact]
    public async Task A_cancel_after_capture_is_a_reversal_of_the_whole_payment()
    {
        var setup = await AttemptAsync(factory, "midtrans");
        factory.Midtrans.SetTransactionStatus(setup.Reference, "capture", "accept");
        using var gateway = factory.CreateClient();
        Assert.Equal(("processed", "applied"), await ReceiptAsync(await PostMidtransAsync(gateway, Notification(setup.Reference))));
        factory.Midtrans.SetTransactionStatus(setup.Reference, "cancel");

        Assert.Equal(("processed", "reversed"), await ReceiptAsync(await PostMidtransAsync(gateway, Notification(setup.Reference))));

        Assert.Equal(setup.Amount, await CountAsync(factory, "SELECT amount_refunded FROM invoices WHERE id = @Id", new { Id = setup.InvoiceId }));
        Assert.Equal(1, await CountAsync(factory, "SELECT COUNT(*) FROM refunds WHERE invoice_id = @Id AND kind = 'reversal'", new { Id = setup.InvoiceId }));
    }

    [Theory]
    [InlineData("refund")]
    [InlineData("partial_chargeback")]
    [InlineData("chargeback")]
    [InlineData("cancel")]
    public async Task A_signed_settlement_replayed_with_a_money_out_status_books_nothing(string status)
    {
        var setup = await SettledMidtransAsync();
        using var gateway = factory.CreateClient();
        var before = await SnapshotAsync(factory, setup.InvoiceId);
        // The signature covers order_id, status_code (200 for all of these) and gross_amount — not the status word or the list.
        var forged = Notification(setup.Reference);
        forged["transaction_status"] = status;
        forged["refund_amount"] = $"{setup.Amount}.00";
        forged["refunds"] = new JsonArray(new JsonObject
        {
            ["refund_chargeback_id"] = 1, ["refund_amount"] = $"{setup.Amount}.00", ["created_at"] = "2026-01-16 09:00:00", ["reason"] = "forged",
        });

        Assert.Equal(("rejected", "not_confirmed"), await ReceiptAsync(await PostMidtransAsync(gateway, forged)));

        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal(before with { WebhookEvents = before.WebhookEvents + 1 }, after);
        Assert.Equal(0, await CountAsync(factory, "SELECT amount_refunded FROM invoices WHERE id = @Id", new { Id = setup.InvoiceId }));
    }

    [Theory]
    [InlineData("expire", "202")]
    [InlineData("failure", "202")]
    [InlineData("expire", "407")]
    public async Task A_signed_rejection_that_never_follows_a_payment_changes_nothing_of_a_paid_attempt(string status, string statusCode)
    {
        var setup = await SettledMidtransAsync();
        var paidTransaction = factory.Midtrans.TransactionFor(setup.Reference)!.TransactionId;
        using var gateway = factory.CreateClient();
        var before = await SnapshotAsync(factory, setup.InvoiceId);
        // Signed as Midtrans signs a rejection of this order (an earlier try's, say), naming the paid transaction: the
        // signature does not cover transaction_id, and the status cycle has no expire or failure after a payment.
        var late = Midtrans(ServerKey, setup.Reference, paidTransaction, status, statusCode, setup.Amount);

        Assert.Equal(("processed", "already_closed"), await ReceiptAsync(await PostMidtransAsync(gateway, late)));

        Assert.Equal(before with { WebhookEvents = before.WebhookEvents + 1 }, await SnapshotAsync(factory, setup.InvoiceId));
    }

    [Fact]
    public async Task A_xendit_refund_callback_books_what_the_refund_api_states_for_the_attempts_own_invoice()
    {
        var (setup, invoiceId) = await PaidXenditAsync();
        using var gateway = factory.CreateClient();
        var refundId = factory.Xendit.AddRefund(invoiceId, 250_000);
        // The token covers no body: a callback whose amount was raised in transit still books the Refund API's amount.
        var tampered = JsonNode.Parse(factory.Xendit.RefundCallbackBody(refundId))!.AsObject();
        tampered["data"]!["amount"] = 999_999;

        var receipt = await PostRawAsync(gateway, "xendit", Encoding.UTF8.GetBytes(tampered.ToJsonString()), ("x-callback-token", CallbackToken));

        Assert.Equal(("processed", "refund_recorded"), await ReceiptAsync(receipt));
        var entry = Assert.Single((await HttpAssert.JsonAsync(await setup.Client.GetAsync($"/invoices/{setup.InvoiceId}/refunds"), HttpStatusCode.OK))
            .GetProperty("data").EnumerateArray());
        Assert.Equal(("refund", 250_000L, refundId), (entry.GetProperty("kind").GetString(), entry.GetProperty("amount").GetInt64(), entry.GetProperty("gateway_refund_id").GetString()));
        Assert.Equal(250_000, await CountAsync(factory, "SELECT amount_refunded FROM invoices WHERE id = @Id", new { Id = setup.InvoiceId }));
        Assert.Single(await EventsAsync(setup.Client, "refund.recorded"));
    }

    [Fact]
    public async Task A_xendit_refund_callback_in_the_envelope_its_documentation_shows_is_read_too()
    {
        var (setup, invoiceId) = await PaidXenditAsync();
        using var gateway = factory.CreateClient();
        var refundId = factory.Xendit.AddRefund(invoiceId, 120_000);
        // docs.xendit.co/apidocs/refund-webhook-notification shows {event, business_id, created, data: {event, business_id, created, data: {…}}}.
        var once = JsonNode.Parse(factory.Xendit.RefundCallbackBody(refundId))!.AsObject();
        var twice = new JsonObject
        {
            ["event"] = once["event"]!.GetValue<string>(),
            ["business_id"] = once["business_id"]!.GetValue<string>(),
            ["created"] = once["created"]!.GetValue<string>(),
            ["data"] = JsonNode.Parse(once.ToJsonString()),
        };

        var receipt = await PostRawAsync(gateway, "xendit", Encoding.UTF8.GetBytes(twice.ToJsonString()), ("x-callback-token", CallbackToken));

        Assert.Equal(("processed", "refund_recorded"), await ReceiptAsync(receipt));
        Assert.Equal(120_000, await CountAsync(factory, "SELECT amount_refunded FROM invoices WHERE id = @Id", new { Id = setup.InvoiceId }));
    }

    [Fact]
    public async Task A_xendit_refund_callback_the_refund_api_does_not_know_or_that_names_another_invoice_books_nothing()
    {
        var (setup, invoiceId) = await PaidXenditAsync();
        using var gateway = factory.CreateClient();
        // Another invoice on the same Xendit account, paid and refunded there.
        var other = await AttemptAsync(factory, "xendit");
        var otherInvoiceId = factory.Xendit.InvoiceFor(other.Reference).Id;
        factory.Xendit.MarkPaid(otherInvoiceId);
        var otherRefund = factory.Xendit.AddRefund(otherInvoiceId, 100_000);

        // Its refund id dressed up as a refund of the first invoice; and a refund id Xendit never issued.
        var misdirected = JsonNode.Parse(factory.Xendit.RefundCallbackBody(otherRefund))!.AsObject();
        misdirected["data"]!["invoice_id"] = invoiceId;
        var invented = JsonNode.Parse(factory.Xendit.RefundCallbackBody(otherRefund))!.AsObject();
        invented["data"]!["invoice_id"] = invoiceId;
        invented["data"]!["id"] = "rfd-" + Guid.NewGuid();

        Assert.Equal(("rejected", "not_confirmed"), await ReceiptAsync(
            await PostRawAsync(gateway, "xendit", Encoding.UTF8.GetBytes(misdirected.ToJsonString()), ("x-callback-token", CallbackToken))));
        Assert.Equal(("rejected", "not_confirmed"), await ReceiptAsync(
            await PostRawAsync(gateway, "xendit", Encoding.UTF8.GetBytes(invented.ToJsonString()), ("x-callback-token", CallbackToken))));
        Assert.Equal(0, await CountAsync(factory, "SELECT COUNT(*) FROM refunds WHERE invoice_id IN (@A, @B)", new { A = setup.InvoiceId, B = other.InvoiceId }));
    }

    [Fact]
    public async Task Another_tenants_callback_token_cannot_report_a_refund_of_this_tenants_invoice()
    {
        var (victim, invoiceId) = await PaidXenditAsync();
        using var gateway = factory.CreateClient();
        var attacker = await factory.CreateTenantAsync();
        await PutCredentialsAsync(factory.TenantClient(attacker.ApiKey), "xendit",
            new { mode = "sandbox", secret_key = StandInApiFactory.XenditSecretKey, callback_token = "attacker-callback-token" });
        var refundId = factory.Xendit.AddRefund(invoiceId, 250_000);

        var response = await PostRawAsync(gateway, "xendit", Encoding.UTF8.GetBytes(factory.Xendit.RefundCallbackBody(refundId)), ("x-callback-token", "attacker-callback-token"));

        Assert.Equal("invalid_signature", (await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.Unauthorized)).Code);
        Assert.Equal(0, await CountAsync(factory, "SELECT COUNT(*) FROM refunds WHERE invoice_id = @Id", new { Id = victim.InvoiceId }));
    }

    [Fact]
    public async Task A_refund_that_arrives_before_its_payment_waits_and_is_applied_when_the_payment_lands()
    {
        var setup = await AttemptAsync(factory);
        using var gateway = factory.CreateClient();
        var transactionId = NewId("sbx_txn_");
        var now = factory.Clock.GetCurrentInstant();

        var early = await PostSandboxAsync(gateway, SandboxWebhookEvent.RefundSucceeded(setup.Reference, transactionId, 300_000, "IDR", now, reason: "returned"), now);

        Assert.Equal(("processed", "waiting_for_payment"), await ReceiptAsync(early));
        Assert.Equal(0, await CountAsync(factory, "SELECT amount_refunded FROM invoices WHERE id = @Id", new { Id = setup.InvoiceId }));
        var waiting = Assert.Single((await HttpAssert.JsonAsync(await setup.Client.GetAsync($"/invoices/{setup.InvoiceId}/refunds"), HttpStatusCode.OK))
            .GetProperty("data").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, waiting.GetProperty("payment_id").ValueKind);
        Assert.Empty(await EventsAsync(setup.Client, "refund.recorded"));

        var paid = await PostSandboxAsync(gateway, SandboxPaid(setup.Reference, setup.Amount, now, transactionId: transactionId), now);

        Assert.Equal(("processed", "applied"), await ReceiptAsync(paid));
        var invoice = await HttpAssert.JsonAsync(await setup.Client.GetAsync($"/invoices/{setup.InvoiceId}"), HttpStatusCode.OK);
        Assert.Equal(("fully_paid", 300_000L), (invoice.GetProperty("status").GetString(), invoice.GetProperty("amount_refunded").GetInt64()));
        var attached = Assert.Single((await HttpAssert.JsonAsync(await setup.Client.GetAsync($"/invoices/{setup.InvoiceId}/refunds"), HttpStatusCode.OK))
            .GetProperty("data").EnumerateArray());
        Assert.Equal(JsonValueKind.String, attached.GetProperty("payment_id").ValueKind);
        Assert.Equal(300_000, Assert.Single(await EventsAsync(setup.Client, "refund.recorded")).GetProperty("payload").GetProperty("amount").GetInt64());
    }

    [Fact]
    public async Task A_zero_amount_notification_is_refused_and_recorded_never_a_500_and_never_retried()
    {
        var setup = await AttemptAsync(factory, "midtrans");
        factory.Midtrans.SetTransactionStatus(setup.Reference, "settlement", grossAmount: "0.00");
        using var gateway = factory.CreateClient();
        var before = await SnapshotAsync(factory, setup.InvoiceId);

        var response = await PostMidtransAsync(gateway, Notification(setup.Reference));

        Assert.Equal("malformed_payload", (await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.BadRequest)).Code);
        var stored = Assert.Single(await WebhookEventsAsync(factory, "invoice_id = @Id", new { Id = setup.InvoiceId }));
        Assert.Equal(("rejected", "malformed_payload", (DateTime?)null), (stored.Status, stored.Outcome, stored.NextRetryAt));
        await RunRetryPassAsync(factory);
        Assert.Equal(before with { WebhookEvents = before.WebhookEvents + 1 }, await SnapshotAsync(factory, setup.InvoiceId));
    }

    /// <summary>A Midtrans attempt settled at the stand-in and applied through its settlement notification.</summary>
    private async Task<Setup> SettledMidtransAsync()
    {
        var setup = await AttemptAsync(factory, "midtrans");
        factory.Midtrans.SetTransactionStatus(setup.Reference, "settlement");
        using var gateway = factory.CreateClient();
        Assert.Equal(("processed", "applied"), await ReceiptAsync(await PostMidtransAsync(gateway, Notification(setup.Reference))));
        return setup;
    }

    /// <summary>A Xendit attempt paid at the stand-in and applied through its callback; the Xendit invoice id with it.</summary>
    private async Task<(Setup Setup, string XenditInvoiceId)> PaidXenditAsync()
    {
        var setup = await AttemptAsync(factory, "xendit");
        var invoiceId = factory.Xendit.InvoiceFor(setup.Reference).Id;
        factory.Xendit.MarkPaid(invoiceId);
        using var gateway = factory.CreateClient();
        Assert.Equal(("processed", "applied"), await ReceiptAsync(await PostRawAsync(gateway, "xendit",
            Encoding.UTF8.GetBytes(factory.Xendit.CallbackBody(invoiceId)), ("x-callback-token", CallbackToken))));
        return (setup, invoiceId);
    }

    private JsonObject Notification(string orderId) => JsonNode.Parse(factory.Midtrans.NotificationBody(orderId))!.AsObject();
}
