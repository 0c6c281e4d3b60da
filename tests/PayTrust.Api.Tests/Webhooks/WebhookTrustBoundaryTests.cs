using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using PayTrust.Api.Tests.Invoices;
using PayTrust.Api.Tests.Payments;
using static PayTrust.Api.Tests.Webhooks.WebhookApi;

namespace PayTrust.Api.Tests.Webhooks;

/// <summary>
/// The trust boundary of payments in (spec §7.4 step 2, ADR 13), tried as an attacker with two tenant accounts would:
/// tenant A signs notifications with its own, valid credentials and tries to block, redirect or double tenant B's money.
/// Every attack is followed by B's genuine notification, which must still do exactly what it should.
/// </summary>
public class WebhookTrustBoundaryTests(WebhookApiFactory factory) : IClassFixture<WebhookApiFactory>
{
    private const string AttackerCallbackToken = "attacker-callback-token-0002";
    private const string AttackerServerKey = "SB-Mid-server-attacker-key-0002";

    [Theory]
    [InlineData(null)]
    [InlineData("wh_shared_webhook_id")]
    public async Task A_tenant_cannot_block_another_tenants_xendit_payment_by_naming_its_session(string? webhookId)
    {
        var victim = await AttemptAsync(factory, "xendit");
        var attacker = await AttackerAttemptAsync("xendit");
        // B's Xendit invoice id is in B's checkout URL, which anyone who sees the page can read.
        var victimSession = factory.Xendit.InvoiceFor(victim.Reference).Id;
        var attackerBefore = await SnapshotAsync(factory, attacker.InvoiceId);
        using var gateway = factory.CreateClient();

        var forged = await PostXenditAsync(gateway, AttackerCallbackToken, victimSession, attacker.Reference, "PAID", attacker.Amount, webhookId: webhookId);

        Assert.Equal("session_mismatch", (await HttpAssert.Problem.ReadAsync(forged, HttpStatusCode.UnprocessableEntity)).Code);
        // Recorded among the attacker's own refused events, and nothing of its invoice moved.
        var recorded = Assert.Single(await WebhookEventsAsync(factory, "tenant_id = @TenantId", new { attacker.Tenant.TenantId }));
        Assert.Equal(("rejected", "session_mismatch", attacker.InvoiceId), (recorded.Status, recorded.Outcome, recorded.InvoiceId));
        Assert.Equal(attackerBefore with { WebhookEvents = attackerBefore.WebhookEvents + 1 }, await SnapshotAsync(factory, attacker.InvoiceId));

        var genuine = await PostXenditAsync(gateway, StandInApiFactory.XenditCallbackToken, victimSession, victim.Reference, "PAID", victim.Amount, webhookId: webhookId);

        Assert.Equal(("processed", "applied"), await ReceiptAsync(genuine));
        var paid = await SnapshotAsync(factory, victim.InvoiceId);
        Assert.Equal(("fully_paid", victim.Amount, 1L), (paid.Status, paid.AmountPaid, paid.Payments));
    }

    [Fact]
    public async Task A_xendit_paid_callback_replayed_with_a_new_id_pays_nothing_more()
    {
        var setup = await AttemptAsync(factory, "xendit");
        var session = factory.Xendit.InvoiceFor(setup.Reference).Id;
        using var gateway = factory.CreateClient();
        Assert.Equal(("processed", "applied"),
            await ReceiptAsync(await PostXenditAsync(gateway, StandInApiFactory.XenditCallbackToken, session, setup.Reference, "PAID", setup.Amount)));

        var replayed = await PostXenditAsync(gateway, StandInApiFactory.XenditCallbackToken, "inv_" + Guid.NewGuid().ToString("N"), setup.Reference, "PAID", setup.Amount);

        Assert.Equal("session_mismatch", (await HttpAssert.Problem.ReadAsync(replayed, HttpStatusCode.UnprocessableEntity)).Code);
        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal(("fully_paid", setup.Amount, 1L), (after.Status, after.AmountPaid, after.Payments));
    }

    [Fact]
    public async Task A_xendit_invoice_paid_after_its_attempt_lost_the_session_is_applied_once()
    {
        // The create call timed out on our side after Xendit had made the invoice: the attempt failed with no session.
        var setup = await AttemptAsync(factory, "xendit");
        var session = factory.Xendit.InvoiceFor(setup.Reference).Id;
        await PaymentApi.ExecuteAsync(factory, "UPDATE payment_attempts SET status = 'failed', failure_code = 'gateway_timeout', gateway_reference = NULL WHERE id = @Id",
            new { Id = setup.AttemptId });
        using var gateway = factory.CreateClient();

        var paid = await PostXenditAsync(gateway, StandInApiFactory.XenditCallbackToken, session, setup.Reference, "PAID", setup.Amount);
        var another = await PostXenditAsync(gateway, StandInApiFactory.XenditCallbackToken, "inv_" + Guid.NewGuid().ToString("N"), setup.Reference, "PAID", setup.Amount);

        Assert.Equal(("processed", "applied"), await ReceiptAsync(paid));
        Assert.Equal(("rejected", "duplicate_settlement"), await ReceiptAsync(another));
        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal(("fully_paid", setup.Amount, 1L), (after.Status, after.AmountPaid, after.Payments));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task A_signed_midtrans_settlement_replayed_with_fresh_transaction_ids_pays_once(int installments)
    {
        var body = InvoiceApi.OneMillionRupiah();
        var setup = await AttemptAsync(factory, "midtrans", installments > 1 ? InvoiceApi.WithInstallments(installments, body) : body);
        using var gateway = factory.CreateClient();
        var settlement = Midtrans(StandInApiFactory.MidtransServerKey, setup.Reference, Guid.NewGuid().ToString(), "settlement", "200", setup.Amount);
        Assert.Equal(("processed", "applied"), await ReceiptAsync(await PostMidtransAsync(gateway, settlement)));

        foreach (var _ in Enumerable.Range(0, 3))
        {
            // The signature covers order_id, status_code and gross_amount only, so it still verifies.
            settlement["transaction_id"] = Guid.NewGuid().ToString();
            Assert.Equal(("duplicate", null), await ReceiptAsync(await PostMidtransAsync(gateway, settlement)));
        }

        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal((setup.Amount, 1L), (after.AmountPaid, after.Payments));
        Assert.Equal(installments > 1 ? "partially_paid" : "fully_paid", after.Status);
        Assert.Single(await EventsAsync(setup.Client, "payment.succeeded"));
    }

    [Fact]
    public async Task A_second_midtrans_settlement_of_a_paid_order_under_another_transaction_id_is_a_discrepancy_and_not_applied()
    {
        var setup = await AttemptAsync(factory, "midtrans");
        using var gateway = factory.CreateClient();
        var capture = Midtrans(StandInApiFactory.MidtransServerKey, setup.Reference, Guid.NewGuid().ToString(), "capture", "200", setup.Amount, "accept");
        Assert.Equal(("processed", "applied"), await ReceiptAsync(await PostMidtransAsync(gateway, capture)));

        // capture and settlement share status_code 200, so capture's signature verifies a settlement of the same order too.
        var settlement = Midtrans(StandInApiFactory.MidtransServerKey, setup.Reference, Guid.NewGuid().ToString(), "settlement", "200", setup.Amount);

        Assert.Equal(("rejected", "duplicate_settlement"), await ReceiptAsync(await PostMidtransAsync(gateway, settlement)));
        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal(("fully_paid", setup.Amount, 1L), (after.Status, after.AmountPaid, after.Payments));
        var discrepancy = Assert.Single(await DiscrepanciesAsync(factory, setup.InvoiceId));
        Assert.Equal(("duplicate_settlement", setup.Amount, setup.Amount, (Guid?)null), (discrepancy.Kind, discrepancy.Expected, discrepancy.Received, discrepancy.PaymentId));
    }

    [Fact]
    public async Task A_tenant_cannot_attach_a_midtrans_refund_to_another_tenants_payment()
    {
        var victim = await AttemptAsync(factory, "midtrans");
        factory.Midtrans.SetTransactionStatus(victim.Reference, "settlement");
        var victimTransaction = factory.Midtrans.TransactionFor(victim.Reference)!.TransactionId;
        using var gateway = factory.CreateClient();
        Assert.Equal(("processed", "applied"), await ReceiptAsync(await PostMidtransAsync(gateway, JsonNode.Parse(factory.Midtrans.NotificationBody(victim.Reference))!.AsObject())));
        var attacker = await AttackerAttemptAsync("midtrans");
        var victimBefore = await SnapshotAsync(factory, victim.InvoiceId);

        // A signs a refund for its own order naming B's transaction: Midtrans knows no such refund of A's order, so nothing is booked.
        var forged = Refund(AttackerServerKey, attacker.Reference, victimTransaction, attacker.Amount, refundId: 1, amount: 400_000);

        Assert.Equal(("rejected", "not_confirmed"), await ReceiptAsync(await PostMidtransAsync(gateway, forged)));
        Assert.Equal(0, await CountAsync(factory, "SELECT COUNT(*) FROM refunds WHERE tenant_id IN (@A, @B)",
            new { A = attacker.Tenant.TenantId, B = victim.Tenant.TenantId }));
        Assert.Equal(victimBefore with { WebhookEvents = victimBefore.WebhookEvents + 1 }, await SnapshotAsync(factory, victim.InvoiceId));

        // B's own refund of that transaction, with the same refund id, is still recorded: the amount Midtrans states.
        factory.Midtrans.AddMoneyOut(victim.Reference, "partial_refund", 250_000, "damaged goods");
        var genuine = JsonNode.Parse(factory.Midtrans.NotificationBody(victim.Reference))!.AsObject();
        Assert.Equal(("processed", "refund_recorded"), await ReceiptAsync(await PostMidtransAsync(gateway, genuine)));
        Assert.Equal(250_000, await CountAsync(factory, "SELECT SUM(amount) FROM refunds WHERE invoice_id = @Id", new { Id = victim.InvoiceId }));
    }

    [Fact]
    public async Task A_refund_attaches_only_to_its_own_attempts_payment_even_within_the_tenant()
    {
        var paid = await AttemptAsync(factory, "midtrans");
        factory.Midtrans.SetTransactionStatus(paid.Reference, "settlement");
        var transaction = factory.Midtrans.TransactionFor(paid.Reference)!.TransactionId;
        using var gateway = factory.CreateClient();
        await ReceiptAsync(await PostMidtransAsync(gateway, JsonNode.Parse(factory.Midtrans.NotificationBody(paid.Reference))!.AsObject()));
        var other = await PaymentApi.TakeAttemptAsync(paid.Client, await InvoiceApi.CreateIdAsync(factory, paid.Tenant, GatewayBody("midtrans")), null);
        var otherReference = other.GetProperty("reference").GetString()!;
        // The other order was paid and refunded at Midtrans too; its refund is its own, never the first order's.
        factory.Midtrans.SetTransactionStatus(otherReference, "settlement");
        factory.Midtrans.AddMoneyOut(otherReference, "partial_refund", 100_000);

        var misdirected = Refund(StandInApiFactory.MidtransServerKey, otherReference, transaction, paid.Amount, refundId: 1, amount: 100_000);

        // Confirmed for the other order, whose payment PayTrust has not seen yet: the refund waits for that payment.
        Assert.Equal(("processed", "waiting_for_payment"), await ReceiptAsync(await PostMidtransAsync(gateway, misdirected)));
        Assert.Equal(0, await CountAsync(factory, "SELECT COUNT(*) FROM refunds WHERE tenant_id = @TenantId AND payment_id IS NOT NULL", new { paid.Tenant.TenantId }));
        Assert.Equal(0, await CountAsync(factory, "SELECT amount_refunded FROM invoices WHERE id = @Id", new { Id = paid.InvoiceId }));
        Assert.Equal(1, await CountAsync(factory, "SELECT COUNT(*) FROM refunds WHERE tenant_id = @TenantId AND payment_id IS NULL AND gateway_transaction_id <> @Transaction",
            new { paid.Tenant.TenantId, Transaction = transaction }));
    }

    [Fact]
    public async Task Two_tenants_whose_gateways_reuse_one_transaction_id_are_both_paid()
    {
        var first = await AttemptAsync(factory, "midtrans");
        var second = await AttackerAttemptAsync("midtrans");
        var shared = "shared-" + Guid.NewGuid().ToString("N");
        using var gateway = factory.CreateClient();

        var one = await PostMidtransAsync(gateway, Midtrans(StandInApiFactory.MidtransServerKey, first.Reference, shared, "settlement", "200", first.Amount));
        var two = await PostMidtransAsync(gateway, Midtrans(AttackerServerKey, second.Reference, shared, "settlement", "200", second.Amount));

        Assert.Equal(("processed", "applied"), await ReceiptAsync(one));
        Assert.Equal(("processed", "applied"), await ReceiptAsync(two));
        Assert.Equal("fully_paid", (await SnapshotAsync(factory, first.InvoiceId)).Status);
        Assert.Equal("fully_paid", (await SnapshotAsync(factory, second.InvoiceId)).Status);
    }

    /// <summary>Tenant A: an attempt on <paramref name="gateway"/>, then credentials of its own (another callback token or server key).</summary>
    private async Task<Setup> AttackerAttemptAsync(string gateway)
    {
        var attacker = await AttemptAsync(factory, gateway);
        // The stand-ins accept one account's API key, so the attempt is opened with it; from here on A signs with its own secret.
        var credentials = gateway == "xendit"
            ? (object)new { mode = "sandbox", secret_key = StandInApiFactory.XenditSecretKey, callback_token = AttackerCallbackToken }
            : new { mode = "sandbox", server_key = AttackerServerKey };
        await HttpAssert.JsonAsync(await attacker.Client.PutAsJsonAsync($"/gateways/{gateway}/credentials", credentials), HttpStatusCode.OK);
        return attacker;
    }

    private static JsonObject GatewayBody(string gateway)
    {
        var body = InvoiceApi.OneMillionRupiah();
        body["gateway"] = gateway;
        return body;
    }

    /// <summary>A Midtrans partial_refund notification for <paramref name="orderId"/>, listing one refund.</summary>
    private static JsonObject Refund(string serverKey, string orderId, string transactionId, long grossAmount, int refundId, long amount)
    {
        var notification = Midtrans(serverKey, orderId, transactionId, "partial_refund", "200", grossAmount);
        var refunded = amount.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".00";
        notification["refund_amount"] = refunded;
        notification["refunds"] = new JsonArray(new JsonObject
        {
            ["refund_chargeback_id"] = refundId,
            ["refund_amount"] = refunded,
            ["created_at"] = "2026-01-16 09:00:00",
            ["reason"] = "customer asked",
        });
        return notification;
    }
}
