using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using PayTrust.Api.Tests.Invoices;
using PayTrust.Api.Tests.Payments;
using PayTrust.Application.Features.Sandbox;
using static PayTrust.Api.Tests.Webhooks.WebhookApi;

namespace PayTrust.Api.Tests.Webhooks;

/// <summary>Verified notifications applied to invoices (spec §5, §7.4 steps 2–4 and 6): sandbox, Xendit and Midtrans.</summary>
public class WebhookApplicationTests(WebhookApiFactory factory) : IClassFixture<WebhookApiFactory>
{
    private const string CallbackToken = StandInApiFactory.XenditCallbackToken;
    private const string ServerKey = StandInApiFactory.MidtransServerKey;

    [Fact]
    public async Task A_paid_sandbox_webhook_pays_the_invoice_once_with_its_events()
    {
        var setup = await AttemptAsync(factory);
        using var gateway = factory.CreateClient();

        var response = await PostSandboxAsync(gateway, SandboxPaid(setup.Reference, setup.Amount, Now), Now);

        Assert.Equal(("processed", "applied"), await ReceiptAsync(response));
        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal("fully_paid", after.Status);
        Assert.Equal(1_000_000, after.AmountPaid);
        Assert.Equal(0, after.Overpayment);
        Assert.Equal(1, after.Payments);
        Assert.Equal("succeeded", after.Attempts);
        Assert.Equal(0, after.Discrepancies);
        var succeeded = Assert.Single(await EventsAsync(setup.Client, "payment.succeeded"));
        Assert.Equal(setup.InvoiceId, succeeded.GetProperty("payload").GetProperty("invoice_id").GetGuid());
        Assert.Equal(1_000_000, succeeded.GetProperty("payload").GetProperty("amount").GetInt64());
        var paid = Assert.Single(await EventsAsync(setup.Client, "invoice.paid"));
        Assert.Equal(setup.InvoiceId, paid.GetProperty("subject_id").GetGuid());
        var stored = Assert.Single(await WebhookEventsAsync(factory, "invoice_id = @Id", new { Id = setup.InvoiceId }));
        Assert.Equal(("processed", "applied"), (stored.Status, stored.Outcome));
    }

    [Fact]
    public async Task A_declined_sandbox_webhook_fails_the_attempt_and_the_invoice_it_was_the_last_hope_of()
    {
        var setup = await AttemptAsync(factory);
        using var gateway = factory.CreateClient();

        var response = await PostSandboxAsync(gateway, SandboxDeclined(setup.Reference, setup.Amount, Now), Now);

        Assert.Equal(("processed", "attempt_failed"), await ReceiptAsync(response));
        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal("failed", after.Status);
        Assert.Equal(0, after.AmountPaid);
        Assert.Equal(0, after.Payments);
        var attempt = Assert.Single(await PaymentApi.AttemptsAsync(factory, setup.InvoiceId));
        Assert.Equal(("failed", "declined"), (attempt.Status, attempt.FailureCode));
        var failed = Assert.Single(await EventsAsync(setup.Client, "payment.failed"));
        Assert.Equal("declined", failed.GetProperty("payload").GetProperty("failure_code").GetString());
        Assert.Empty(await EventsAsync(setup.Client, "payment.succeeded"));
    }

    [Fact]
    public async Task Less_than_asked_is_partially_paid_with_an_underpayment_of_negative_difference()
    {
        var setup = await AttemptAsync(factory);
        using var gateway = factory.CreateClient();

        Assert.Equal(("processed", "applied"), await ReceiptAsync(await PostSandboxAsync(gateway, SandboxPaid(setup.Reference, 400_000, Now), Now)));

        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal(("partially_paid", 400_000L, 1L), (after.Status, after.AmountPaid, after.Payments));
        var discrepancy = Assert.Single(await DiscrepanciesAsync(factory, setup.InvoiceId));
        Assert.Equal(("underpayment", 1_000_000L, 400_000L, (long?)-600_000), (discrepancy.Kind, discrepancy.Expected, discrepancy.Received, discrepancy.Difference));
        Assert.NotNull(discrepancy.PaymentId);
    }

    [Fact]
    public async Task More_than_asked_is_fully_paid_with_an_overpayment_discrepancy()
    {
        var setup = await AttemptAsync(factory);
        using var gateway = factory.CreateClient();

        Assert.Equal(("processed", "applied"), await ReceiptAsync(await PostSandboxAsync(gateway, SandboxPaid(setup.Reference, 1_250_000, Now), Now)));

        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal(("fully_paid", 1_250_000L, 250_000L), (after.Status, after.AmountPaid, after.Overpayment));
        var discrepancy = Assert.Single(await DiscrepanciesAsync(factory, setup.InvoiceId));
        Assert.Equal(("overpayment", 1_000_000L, 1_250_000L, (long?)250_000), (discrepancy.Kind, discrepancy.Expected, discrepancy.Received, discrepancy.Difference));
    }

    [Fact]
    public async Task Paying_more_than_installment_one_carries_the_rest_to_installment_two()
    {
        var setup = await AttemptAsync(factory, body: InvoiceApi.WithInstallments(2, InvoiceApi.OneMillionRupiah()), installment: 1);
        Assert.Equal(500_000, setup.Amount);
        using var gateway = factory.CreateClient();

        Assert.Equal(("processed", "applied"), await ReceiptAsync(await PostSandboxAsync(gateway, SandboxPaid(setup.Reference, 700_000, Now), Now)));

        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal(("partially_paid", 700_000L), (after.Status, after.AmountPaid));
        await using var connection = await factory.Database.OpenAsync();
        var installments = (await connection.QueryAsync<(long Number, long Amount, long Paid, long IsPaid)>(
            "SELECT CAST(number AS SIGNED), amount, amount_paid, CAST(paid_at IS NOT NULL AS SIGNED) FROM invoice_installments WHERE invoice_id = @Id ORDER BY number",
            new { Id = setup.InvoiceId })).ToList();
        Assert.Equal([(1L, 500_000L, 500_000L, 1L), (2L, 500_000L, 200_000L, 0L)], installments);
        Assert.Single(await EventsAsync(setup.Client, "installment.paid"));
    }

    [Fact]
    public async Task Xendit_paid_then_settled_for_one_invoice_is_one_payment()
    {
        var setup = await AttemptAsync(factory, "xendit");
        var xenditId = factory.Xendit.InvoiceFor(setup.Reference).Id;
        using var gateway = factory.CreateClient();

        var paid = await PostXenditAsync(gateway, CallbackToken, xenditId, setup.Reference, "PAID", setup.Amount);
        var settled = await PostXenditAsync(gateway, CallbackToken, xenditId, setup.Reference, "SETTLED", setup.Amount);
        var again = await PostXenditAsync(gateway, CallbackToken, xenditId, setup.Reference, "SETTLED", setup.Amount);

        Assert.Equal(("processed", "applied"), await ReceiptAsync(paid));
        Assert.Equal(("processed", "already_applied"), await ReceiptAsync(settled));
        Assert.Equal(("duplicate", null), await ReceiptAsync(again));
        var after = await SnapshotAsync(factory, setup.InvoiceId);
        // The gateway's fee makes the total more than the sandbox's million: all of it, once.
        Assert.Equal(("fully_paid", setup.Amount, 1L), (after.Status, after.AmountPaid, after.Payments));
        Assert.Single(await EventsAsync(setup.Client, "payment.succeeded"));
    }

    [Fact]
    public async Task Midtrans_capture_accepted_then_settlement_is_one_payment()
    {
        var setup = await AttemptAsync(factory, "midtrans");
        var transactionId = Guid.NewGuid().ToString();
        using var gateway = factory.CreateClient();

        var capture = await PostMidtransAsync(gateway, Midtrans(ServerKey, setup.Reference, transactionId, "capture", "200", setup.Amount, "accept"));
        var settlement = await PostMidtransAsync(gateway, Midtrans(ServerKey, setup.Reference, transactionId, "settlement", "200", setup.Amount));

        Assert.Equal(("processed", "applied"), await ReceiptAsync(capture));
        Assert.Equal(("processed", "already_applied"), await ReceiptAsync(settlement));
        var after = await SnapshotAsync(factory, setup.InvoiceId);
        // The gateway's fee makes the total more than the sandbox's million: all of it, once.
        Assert.Equal(("fully_paid", setup.Amount, 1L), (after.Status, after.AmountPaid, after.Payments));
        Assert.Single(await EventsAsync(setup.Client, "payment.succeeded"));
    }

    [Fact]
    public async Task A_sandbox_refund_is_recorded_against_its_payment_and_a_redelivery_records_nothing_more()
    {
        var setup = await AttemptAsync(factory);
        var payment = SandboxPaid(setup.Reference, setup.Amount, Now);
        using var gateway = factory.CreateClient();
        await ReceiptAsync(await PostSandboxAsync(gateway, payment, Now));
        var refund = SandboxWebhookEvent.RefundSucceeded(setup.Reference, payment.Data.TransactionId, 300_000, "IDR", Now, reason: "customer asked");

        var first = await PostSandboxAsync(gateway, refund, Now);
        var again = await PostSandboxAsync(gateway, refund, Now);

        Assert.Equal(("processed", "refund_recorded"), await ReceiptAsync(first));
        Assert.Equal(("duplicate", null), await ReceiptAsync(again));
        await using var connection = await factory.Database.OpenAsync();
        var row = await connection.QuerySingleAsync<(long Amount, string Reason, Guid PaymentId)>(
            "SELECT amount, reason, payment_id FROM refunds WHERE invoice_id = @Id", new { Id = setup.InvoiceId });
        var paymentId = await connection.ExecuteScalarAsync<Guid>("SELECT id FROM payments WHERE invoice_id = @Id", new { Id = setup.InvoiceId });
        Assert.Equal((300_000L, "customer asked", paymentId), row);
        Assert.Single(await EventsAsync(setup.Client, "refund.recorded"));
    }

    [Fact]
    public async Task A_midtrans_refund_notification_records_the_refund()
    {
        var setup = await AttemptAsync(factory, "midtrans");
        factory.Midtrans.SetTransactionStatus(setup.Reference, "settlement");
        using var gateway = factory.CreateClient();
        await ReceiptAsync(await PostMidtransAsync(gateway, JsonNode.Parse(factory.Midtrans.NotificationBody(setup.Reference))!.AsObject()));
        factory.Midtrans.AddMoneyOut(setup.Reference, "partial_refund", 250_000, "damaged goods");

        Assert.Equal(("processed", "refund_recorded"),
            await ReceiptAsync(await PostMidtransAsync(gateway, JsonNode.Parse(factory.Midtrans.NotificationBody(setup.Reference))!.AsObject())));

        Assert.Equal(250_000, await CountAsync(factory, "SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE invoice_id = @Id", new { Id = setup.InvoiceId }));
        Assert.Equal(1, (await SnapshotAsync(factory, setup.InvoiceId)).Refunds);
    }

    [Fact]
    public async Task A_refund_larger_than_the_payment_is_rejected_and_records_nothing()
    {
        var setup = await AttemptAsync(factory);
        var payment = SandboxPaid(setup.Reference, setup.Amount, Now);
        using var gateway = factory.CreateClient();
        await ReceiptAsync(await PostSandboxAsync(gateway, payment, Now));
        var before = await SnapshotAsync(factory, setup.InvoiceId);

        var response = await PostSandboxAsync(gateway,
            SandboxWebhookEvent.RefundSucceeded(setup.Reference, payment.Data.TransactionId, setup.Amount + 1, "IDR", Now), Now);

        Assert.Equal(("rejected", "refund_exceeds_payment"), await ReceiptAsync(response));
        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal(0, after.Refunds);
        Assert.Equal(before with { WebhookEvents = before.WebhookEvents + 1 }, after);
    }

    private NodaTime.Instant Now => factory.Clock.GetCurrentInstant();
}
