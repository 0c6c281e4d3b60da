using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PayTrust.Api.Tests.Payments;
using PayTrust.Application.Features.Sandbox;
using PayTrust.Application.Features.Webhooks;
using static PayTrust.Api.Tests.Webhooks.WebhookApi;

namespace PayTrust.Api.Tests.Webhooks;

/// <summary>
/// Notifications that must change nothing (spec §7.4 steps 1–3): forged, stale, unreadable, too big, for nobody,
/// in the wrong currency, for a closed invoice. Each compares the invoice, its payments and the tenant's events
/// before and after.
/// </summary>
public class WebhookRefusalTests(WebhookApiFactory factory) : IClassFixture<WebhookApiFactory>
{
    private const string CallbackToken = StandInApiFactory.XenditCallbackToken;
    private const string ServerKey = StandInApiFactory.MidtransServerKey;

    public static TheoryData<string> Forgeries => ["flipped_byte", "reserialised", "wrong_secret", "missing_header", "stale_timestamp", "future_timestamp"];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_sandbox_webhook_whose_signature_does_not_verify_is_401_and_changes_nothing(string forgery)
    {
        var setup = await AttemptAsync(factory);
        var body = SandboxWebhookJson.Serialize(SandboxPaid(setup.Reference, setup.Amount, Now));
        var signature = Sign(body, Now);
        switch (forgery)
        {
            case "flipped_byte":
                // One digit of the amount: still valid JSON for the same reference, so only the signature can catch it.
                var at = Encoding.UTF8.GetString(body).IndexOf("\"amount\":1000000", StringComparison.Ordinal) + "\"amount\":".Length;
                Assert.True(at > "\"amount\":".Length);
                body[at] = (byte)'9';
                break;
            case "reserialised":
                body = JsonSerializer.SerializeToUtf8Bytes(JsonDocument.Parse(body).RootElement, new JsonSerializerOptions { WriteIndented = true });
                break;
            case "wrong_secret":
                signature = Sign(body, Now, "another-secret");
                break;
            case "stale_timestamp":
                signature = Sign(body, Now - NodaTime.Duration.FromSeconds(301));
                break;
            case "future_timestamp":
                signature = Sign(body, Now + NodaTime.Duration.FromSeconds(301));
                break;
        }

        var before = await SnapshotAsync(factory, setup.InvoiceId);
        using var gateway = factory.CreateClient();

        var response = forgery == "missing_header"
            ? await PostRawAsync(gateway, "sandbox", body)
            : await PostRawAsync(gateway, "sandbox", body, (SandboxWebhookSignature.HeaderName, signature));

        Assert.Equal("invalid_signature", (await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.Unauthorized)).Code);
        Assert.Equal(before, await SnapshotAsync(factory, setup.InvoiceId));
    }

    [Fact]
    public async Task A_signature_just_inside_the_tolerance_is_accepted()
    {
        // The other side of the stale-timestamp test: 300 s old still verifies, so that test fails for its age alone.
        var setup = await AttemptAsync(factory);
        var body = SandboxWebhookJson.Serialize(SandboxPaid(setup.Reference, setup.Amount, Now));
        using var gateway = factory.CreateClient();

        var response = await PostRawAsync(gateway, "sandbox", body, (SandboxWebhookSignature.HeaderName, Sign(body, Now - NodaTime.Duration.FromSeconds(300))));

        Assert.Equal(("processed", "applied"), await ReceiptAsync(response));
    }

    [Fact]
    public async Task Another_tenants_xendit_callback_token_is_401()
    {
        var setup = await AttemptAsync(factory, "xendit");
        var other = await factory.CreateTenantAsync();
        using var otherClient = factory.TenantClient(other.ApiKey);
        await HttpAssert.JsonAsync(await PutCredentialsAsync(otherClient, "xendit",
            new { mode = "sandbox", secret_key = "xnd_development_other_tenant_key", callback_token = "other-tenant-callback-token" }), HttpStatusCode.OK);
        var xenditId = factory.Xendit.InvoiceFor(setup.Reference).Id;
        var before = await SnapshotAsync(factory, setup.InvoiceId);
        using var gateway = factory.CreateClient();

        var forged = await PostXenditAsync(gateway, "other-tenant-callback-token", xenditId, setup.Reference, "PAID", setup.Amount);
        var missing = await PostRawAsync(gateway, "xendit", Encoding.UTF8.GetBytes($$"""{"id":"{{xenditId}}","external_id":"{{setup.Reference}}","status":"PAID","amount":1000000,"currency":"IDR"}"""));

        Assert.Equal("invalid_signature", (await HttpAssert.Problem.ReadAsync(forged, HttpStatusCode.Unauthorized)).Code);
        Assert.Equal("invalid_signature", (await HttpAssert.Problem.ReadAsync(missing, HttpStatusCode.Unauthorized)).Code);
        Assert.Equal(before, await SnapshotAsync(factory, setup.InvoiceId));
        // The right token goes through, so the refusals above were about the token.
        Assert.Equal(("processed", "applied"), await ReceiptAsync(await PostXenditAsync(gateway, CallbackToken, xenditId, setup.Reference, "PAID", setup.Amount)));
    }

    [Fact]
    public async Task Another_tenants_midtrans_server_key_and_a_status_the_signed_code_contradicts_are_401()
    {
        var setup = await AttemptAsync(factory, "midtrans");
        var transactionId = Guid.NewGuid().ToString();
        var before = await SnapshotAsync(factory, setup.InvoiceId);
        using var gateway = factory.CreateClient();

        var otherKey = await PostMidtransAsync(gateway, Midtrans("SB-Mid-server-other-tenant-key", setup.Reference, transactionId, "settlement", "200", setup.Amount));
        // A genuinely signed refusal (status_code 202) whose unsigned transaction_status was turned into "settlement".
        var contradicted = await PostMidtransAsync(gateway, Midtrans(ServerKey, setup.Reference, transactionId, "settlement", "202", setup.Amount));
        var noSignature = Midtrans(ServerKey, setup.Reference, transactionId, "settlement", "200", setup.Amount);
        noSignature.Remove("signature_key");
        var unsigned = await PostMidtransAsync(gateway, noSignature);

        foreach (var response in new[] { otherKey, contradicted, unsigned })
        {
            Assert.Equal("invalid_signature", (await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.Unauthorized)).Code);
        }

        Assert.Equal(before, await SnapshotAsync(factory, setup.InvoiceId));
        Assert.Equal(("processed", "applied"), await ReceiptAsync(
            await PostMidtransAsync(gateway, Midtrans(ServerKey, setup.Reference, transactionId, "settlement", "200", setup.Amount))));
    }

    [Fact]
    public async Task An_unknown_reference_is_404_and_kept_as_rejected()
    {
        var setup = await AttemptAsync(factory);
        var before = await SnapshotAsync(factory, setup.InvoiceId);
        using var gateway = factory.CreateClient();

        var response = await PostSandboxAsync(gateway, SandboxPaid("PTNOPE-404-001", 1_000_000, Now), Now);

        Assert.Equal("unknown_reference", (await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.NotFound)).Code);
        var stored = Assert.Single(await WebhookEventsAsync(factory, "reference = 'PTNOPE-404-001'", new { }));
        Assert.Equal(("rejected", "unknown_reference", (Guid?)null), (stored.Status, stored.Outcome, stored.TenantId));
        Assert.Equal(before with { WebhookEvents = before.WebhookEvents + 1 }, await SnapshotAsync(factory, setup.InvoiceId));
    }

    [Fact]
    public async Task A_body_refused_before_verification_is_kept_once_as_its_hash_and_prefix_and_pruned_after_its_retention()
    {
        var setup = await AttemptAsync(factory);
        var body = Encoding.UTF8.GetBytes($$"""{"id":"inv_1","external_id":"PT-NOBODY-{{Guid.NewGuid():N}}","status":"PAID","description":"{{new string('x', 4000)}}"}""");
        using var gateway = factory.CreateClient();

        var first = await PostRawAsync(gateway, "xendit", body);
        var again = await PostRawAsync(gateway, "xendit", body);

        Assert.Equal("unknown_reference", (await HttpAssert.Problem.ReadAsync(first, HttpStatusCode.NotFound)).Code);
        Assert.Equal("unknown_reference", (await HttpAssert.Problem.ReadAsync(again, HttpStatusCode.NotFound)).Code);
        var kept = Assert.Single(await WebhookEventsAsync(factory, "payload_sha256 = @Sha", new { Sha = System.Security.Cryptography.SHA256.HashData(body) }));
        Assert.Equal((256L, (long)body.Length), (await CountAsync(factory, "SELECT LENGTH(payload) FROM webhook_events WHERE id = @Id", new { kept.Id }),
            await CountAsync(factory, "SELECT payload_length FROM webhook_events WHERE id = @Id", new { kept.Id })));
        // A verified refusal (signed, for a known attempt) is the tenant's record and is never pruned.
        var verified = Encoding.UTF8.GetBytes($$$"""{"id":"{{{NewId("evt_")}}}","type":"payment.succeeded","data":{"reference":"{{{setup.Reference}}}","status":"paid","transaction_id":"t1","currency":"IDR"}}""");
        await PostRawAsync(gateway, "sandbox", verified, (SandboxWebhookSignature.HeaderName, Sign(verified, Now)));
        var verifiedEvent = Assert.Single(await WebhookEventsAsync(factory, "payload = @Body", new { Body = verified }));

        await PruneAsync(NodaTime.Duration.FromDays(30));
        Assert.Single(await WebhookEventsAsync(factory, "id = @Id", new { kept.Id }));

        factory.Clock.Advance(NodaTime.Duration.FromDays(31));
        try
        {
            await PruneAsync(NodaTime.Duration.FromDays(30));
        }
        finally
        {
            factory.Clock.Advance(-NodaTime.Duration.FromDays(31));
        }

        Assert.Empty(await WebhookEventsAsync(factory, "id = @Id", new { kept.Id }));
        Assert.Single(await WebhookEventsAsync(factory, "id = @Id", new { verifiedEvent.Id }));
    }

    [Fact]
    public async Task A_signed_midtrans_body_that_cannot_be_read_is_kept_as_its_hash_and_prefix_under_its_tenant()
    {
        // transaction_status is not signed: whoever holds one signed body can vary it, so a refused one must not cost its size.
        var setup = await AttemptAsync(factory, "midtrans");
        var notification = Midtrans(ServerKey, setup.Reference, Guid.NewGuid().ToString(), "settled_maybe", "200", setup.Amount);
        notification["padding"] = new string('x', 100_000);
        var body = Encoding.UTF8.GetBytes(notification.ToJsonString());
        using var gateway = factory.CreateClient();

        var response = await PostRawAsync(gateway, "midtrans", body);

        Assert.Equal("malformed_payload", (await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.BadRequest)).Code);
        var kept = Assert.Single(await WebhookEventsAsync(factory, "payload_sha256 = @Sha", new { Sha = System.Security.Cryptography.SHA256.HashData(body) }));
        Assert.Equal((setup.Tenant.TenantId, setup.InvoiceId), (kept.TenantId, kept.InvoiceId));
        Assert.Equal(256, await CountAsync(factory, "SELECT LENGTH(payload) FROM webhook_events WHERE id = @Id", new { kept.Id }));
    }

    private async Task PruneAsync(NodaTime.Duration retention)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Mediator.IMediator>().Send(new PruneUnverifiedWebhooks(retention, 1000));
    }

    [Theory]
    [InlineData("not_json")]
    [InlineData("no_reference")]
    [InlineData("no_amount")]
    public async Task A_malformed_payload_is_400_recorded_as_rejected_and_never_retried(string kind)
    {
        var setup = await AttemptAsync(factory);
        var body = kind switch
        {
            "not_json" => Encoding.UTF8.GetBytes("status=paid&reference=" + setup.Reference),
            "no_reference" => Encoding.UTF8.GetBytes($$$"""{"id":"{{{NewId("evt_")}}}","type":"payment.succeeded","data":{"status":"paid","amount":1000000,"currency":"IDR"}}"""),
            // Signed and for a known attempt, so it is refused for its content, not its signature.
            _ => Encoding.UTF8.GetBytes($$$"""{"id":"{{{NewId("evt_")}}}","type":"payment.succeeded","data":{"reference":"{{{setup.Reference}}}","status":"paid","transaction_id":"t1","currency":"IDR"}}"""),
        };
        var before = await SnapshotAsync(factory, setup.InvoiceId);
        using var gateway = factory.CreateClient();

        var response = await PostRawAsync(gateway, "sandbox", body, (SandboxWebhookSignature.HeaderName, Sign(body, Now)));

        Assert.Equal("malformed_payload", (await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.BadRequest)).Code);
        var stored = Assert.Single(await WebhookEventsAsync(factory, "payload = @Body", new { Body = body }));
        Assert.Equal(("rejected", "malformed_payload"), (stored.Status, stored.Outcome));
        Assert.Equal(kind == "no_amount" ? setup.InvoiceId : null, stored.InvoiceId);
        Assert.Equal(0, stored.RetryCount);
        Assert.Null(stored.NextRetryAt);
        factory.Clock.Advance(NodaTime.Duration.FromHours(1));
        try
        {
            await RunRetryPassAsync(factory);
            using var admin = factory.AdminClient();
            var replay = await admin.PostAsync($"/webhooks/events/{stored.Id}/replay", null);
            Assert.Equal("webhook_not_replayable", (await HttpAssert.Problem.ReadAsync(replay, HttpStatusCode.Conflict)).Code);
        }
        finally
        {
            factory.Clock.Advance(-NodaTime.Duration.FromHours(1));
        }

        Assert.Equal("rejected", (await WebhookEventAsync(factory, stored.Id)).Status);
        Assert.Equal(before with { WebhookEvents = before.WebhookEvents + 1 }, await SnapshotAsync(factory, setup.InvoiceId));
    }

    [Fact]
    public async Task A_body_over_256_KiB_is_413_and_nothing_is_stored()
    {
        var setup = await AttemptAsync(factory);
        var padding = new string(' ', 256 * 1024);
        var body = Encoding.UTF8.GetBytes($$"""{"id":"{{NewId("evt_")}}","type":"payment.succeeded","data":{"reference":"{{setup.Reference}}"}{{padding}}}""");
        var before = await SnapshotAsync(factory, setup.InvoiceId);
        using var gateway = factory.CreateClient();

        var response = await PostRawAsync(gateway, "sandbox", body, (SandboxWebhookSignature.HeaderName, Sign(body, Now)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(before, await SnapshotAsync(factory, setup.InvoiceId));
    }

    [Fact]
    public async Task An_unknown_gateway_is_404()
    {
        using var gateway = factory.CreateClient();

        var response = await PostRawAsync(gateway, "paypal", Encoding.UTF8.GetBytes("""{"id":"x"}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Money_in_another_currency_is_rejected_as_a_currency_mismatch_and_the_invoice_is_untouched()
    {
        var setup = await AttemptAsync(factory);
        var before = await SnapshotAsync(factory, setup.InvoiceId);
        using var gateway = factory.CreateClient();

        var response = await PostSandboxAsync(gateway, SandboxPaid(setup.Reference, 1_000_000, Now, currency: "USD"), Now);

        Assert.Equal(("rejected", "currency_mismatch"), await ReceiptAsync(response));
        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal((before.Status, before.AmountPaid, before.Events, before.Attempts), (after.Status, after.AmountPaid, after.Events, after.Attempts));
        var discrepancy = Assert.Single(await DiscrepanciesAsync(factory, setup.InvoiceId));
        Assert.Equal(("currency_mismatch", "IDR", 1_000_000L, "USD", 1_000_000L, (long?)null),
            (discrepancy.Kind, discrepancy.ExpectedCurrency, discrepancy.Expected, discrepancy.ReceivedCurrency, discrepancy.Received, discrepancy.Difference));
        // The money is kept as it came, not applied (spec §7.4 step 8: it can be applied to a USD invoice later).
        Assert.Equal(before.Payments + 1, after.Payments);
        Assert.Equal(1, await CountAsync(factory,
            "SELECT COUNT(*) FROM payments WHERE id = @Id AND invoice_id = @InvoiceId AND NOT applied AND currency_code = 'USD' AND amount = 1000000",
            new { Id = discrepancy.PaymentId, setup.InvoiceId }));
    }

    [Fact]
    public async Task Money_in_a_currency_PayTrust_does_not_hold_is_a_discrepancy_only()
    {
        var setup = await AttemptAsync(factory);
        var before = await SnapshotAsync(factory, setup.InvoiceId);
        using var gateway = factory.CreateClient();

        var response = await PostSandboxAsync(gateway, SandboxPaid(setup.Reference, 1_000_000, Now, currency: "EUR"), Now);

        Assert.Equal(("rejected", "currency_mismatch"), await ReceiptAsync(response));
        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal((before.Status, before.AmountPaid, before.Payments, before.Events), (after.Status, after.AmountPaid, after.Payments, after.Events));
        var discrepancy = Assert.Single(await DiscrepanciesAsync(factory, setup.InvoiceId));
        Assert.Equal(("currency_mismatch", (Guid?)null), (discrepancy.Kind, discrepancy.PaymentId));
    }

    [Fact]
    public async Task Money_for_a_cancelled_invoice_is_recorded_not_applied_with_a_closed_invoice_discrepancy()
    {
        var setup = await AttemptAsync(factory);
        var cancelled = await setup.Client.PostAsync($"/invoices/{setup.InvoiceId}/cancel", null);
        Assert.True(cancelled.IsSuccessStatusCode, await cancelled.Content.ReadAsStringAsync());
        using var gateway = factory.CreateClient();

        var response = await PostSandboxAsync(gateway, SandboxPaid(setup.Reference, setup.Amount, Now), Now);

        Assert.Equal(("processed", "recorded_not_applied"), await ReceiptAsync(response));
        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal(("cancelled", 0L, 1L), (after.Status, after.AmountPaid, after.Payments));
        Assert.Equal(0, await CountAsync(factory, "SELECT COUNT(*) FROM payments WHERE invoice_id = @Id AND applied", new { Id = setup.InvoiceId }));
        var discrepancy = Assert.Single(await DiscrepanciesAsync(factory, setup.InvoiceId));
        Assert.Equal(("closed_invoice", 1_000_000L), (discrepancy.Kind, discrepancy.Received));
        Assert.Empty(await EventsAsync(setup.Client, "invoice.paid"));
    }

    private NodaTime.Instant Now => factory.Clock.GetCurrentInstant();
}
