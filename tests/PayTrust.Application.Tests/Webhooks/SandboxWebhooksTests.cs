using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Sandbox;
using static PayTrust.Application.Tests.Webhooks.WebhookBodies;

namespace PayTrust.Application.Tests.Webhooks;

/// <summary>The sandbox's webhooks, received (spec §7.3; ADR 13): PayTrust-Signature over the raw body, the event shape, refunds. No database.</summary>
public sealed class SandboxWebhooksTests
{
    private readonly SandboxWebhooks sandbox = new(new SandboxSettings(SandboxSecret));

    /// <summary>A payment event exactly as the sandbox checkout builds and serialises it.</summary>
    private static byte[] Event(string type = "payment.succeeded", string status = "paid", long amount = 250_000, string currency = "IDR", string? failureCode = null) =>
        SandboxWebhookJson.Serialize(new SandboxWebhookEvent(
            "evt_4f1c2a9b", type, Now, new SandboxWebhookData("PT7KQ2MX9RC-001", "sbx_txn_8d2e", status, amount, currency, failureCode)));

    private static WebhookHeaders Signed(byte[] body, Instant? at = null, string secret = SandboxSecret) =>
        WebhookHeaders.Of((SandboxWebhookSignature.HeaderName, SandboxWebhookSignature.Sign(secret, at ?? Now, body)), ("Content-Type", "application/json"));

    private GatewayNotification Parsed(byte[] body)
    {
        var result = sandbox.Parse(body, Signed(body));
        Assert.False(result.IsMalformed, result.MalformedReason);
        return result.Notification;
    }

    private string Malformed(string body)
    {
        var result = sandbox.Parse(Utf8(body), WebhookHeaders.None);
        Assert.True(result.IsMalformed, $"parsed: {result}");
        return result.MalformedReason;
    }

    private static string EventJson(Action<JsonObject> change)
    {
        var body = JsonNode.Parse(Event())!.AsObject();
        change(body);
        return Json(body);
    }

    // ---- Parsing ----

    [Fact]
    public void A_paid_event_reads_as_a_settled_payment()
    {
        var notification = Parsed(Event());

        Assert.Equal(NotificationKind.Payment, notification.Kind);
        Assert.Equal("sandbox", notification.Gateway);
        Assert.Equal("PT7KQ2MX9RC-001", notification.AttemptReference);
        Assert.Equal("evt_4f1c2a9b", notification.DedupKey);
        Assert.Equal("sbx_txn_8d2e", notification.GatewayTransactionId);
        Assert.Equal("paid", notification.GatewayStatus);
        Assert.Equal(TxSts.ACSC, notification.Status.Status);
        Assert.Equal("IDR", notification.CurrencyCode);
        Assert.Equal(250_000, notification.Amount);
        Assert.Equal("250000", notification.AmountAsReceived);
        Assert.Equal(Now, notification.OccurredAt);
        Assert.Empty(notification.Refunds);
    }

    [Theory]
    [InlineData("payment.succeeded", "paid", null, TxSts.ACSC, null)]
    [InlineData("payment.failed", "declined", "declined", TxSts.RJCT, "declined")]
    [InlineData("payment.failed", "declined", null, TxSts.RJCT, "declined")]
    [InlineData("payment.failed", "declined", "insufficient_funds", TxSts.RJCT, "insufficient_funds")]
    [InlineData("payment.failed", "declined", "fraud_rejected", TxSts.RJCT, "fraud_rejected")]
    [InlineData("payment.failed", "expired", "expired", TxSts.RJCT, "expired")]
    [InlineData("payment.failed", "expired", null, TxSts.RJCT, "expired")]
    public void Every_status_maps_to_its_payment_status(string type, string status, string? failureCode, TxSts expected, string? reason)
    {
        var notification = Parsed(Event(type, status, failureCode: failureCode));

        Assert.Equal(expected, notification.Status.Status);
        Assert.Equal(reason, notification.Status.Reason?.Code);
    }

    [Theory]
    [InlineData("IDR", 150_000)]
    [InlineData("MYR", 12_345)]
    [InlineData("USD", 1)]
    [InlineData("USD", 1_000_000_000_000_000)]
    [InlineData("XXX", 42)]
    public void Amounts_are_minor_units_already_in_any_currency(string currency, long amount)
    {
        var notification = Parsed(Event(amount: amount, currency: currency));

        Assert.Equal(amount, notification.Amount);
        Assert.Equal(currency, notification.CurrencyCode);
    }

    [Fact]
    public void A_refund_event_reads_as_a_refund_of_the_payment()
    {
        var refund = SandboxWebhookEvent.RefundSucceeded("PT7KQ2MX9RC-001", "sbx_txn_8d2e", 50_000, "IDR", Now, "sbx_rfd_1", "customer asked");
        var body = SandboxWebhookJson.Serialize(refund);

        Assert.True(sandbox.Verify(body, Signed(body), null, Now));
        var notification = Parsed(body);

        Assert.Equal(NotificationKind.MoneyOut, notification.Kind);
        Assert.Equal("refunded", notification.GatewayStatus);
        Assert.Equal("PT7KQ2MX9RC-001", notification.AttemptReference);
        Assert.Equal("sbx_txn_8d2e", notification.GatewayTransactionId);
        Assert.Equal(refund.Id, notification.DedupKey);
        Assert.Equal("sbx_rfd_1", notification.RefundId);
        Assert.Equal(50_000, notification.RefundAmount);
        Assert.Equal("customer asked", notification.RefundReason);
        Assert.Equal(Now, notification.OccurredAt);
        Assert.Equal([new GatewayRefund("sbx_rfd_1", 50_000, "customer asked", Now)], notification.Refunds);
    }

    [Fact]
    public void A_refund_event_without_a_refund_id_takes_the_event_id()
    {
        var body = EventJson(node =>
        {
            node["type"] = "refund.succeeded";
            node["data"]!["status"] = "refunded";
        });

        var notification = sandbox.Parse(Utf8(body), WebhookHeaders.None).Notification!;

        Assert.Equal("evt_4f1c2a9b", notification.RefundId);
        Assert.Null(notification.RefundReason);
    }

    [Fact]
    public void Payment_events_keep_the_JSON_shape_they_always_had()
    {
        var data = JsonDocument.Parse(Event()).RootElement.GetProperty("data");

        Assert.Equal(
            ["reference", "transaction_id", "status", "amount", "currency", "failure_code"],
            data.EnumerateObject().Select(property => property.Name));
        var refund = JsonDocument.Parse(SandboxWebhookJson.Serialize(
            SandboxWebhookEvent.RefundSucceeded("r", "t", 1, "IDR", Now, "rfd", "why"))).RootElement.GetProperty("data");
        Assert.Equal("rfd", refund.GetProperty("refund_id").GetString());
        Assert.Equal("why", refund.GetProperty("reason").GetString());
    }

    // ---- Verification ----

    [Fact]
    public void The_platforms_signature_verifies_whatever_credentials_come_along()
    {
        var body = Event();

        Assert.True(sandbox.Verify(body, Signed(body), null, Now));
        Assert.True(sandbox.Verify(body, Signed(body), Xendit(), Now));
        Assert.True(sandbox.Verify(body, Signed(body), null, Now + Duration.FromSeconds(300)));
        Assert.True(sandbox.Verify(body, Signed(body), null, Now - Duration.FromSeconds(300)));
    }

    [Fact]
    public void Another_secret_a_missing_signature_or_an_empty_platform_secret_do_not_verify()
    {
        var body = Event();

        Assert.False(sandbox.Verify(body, Signed(body, secret: "whsec_sandbox_other"), null, Now));
        Assert.False(new SandboxWebhooks(new SandboxSettings("whsec_sandbox_other")).Verify(body, Signed(body), null, Now));
        Assert.False(sandbox.Verify(body, WebhookHeaders.Of(("Content-Type", "application/json")), null, Now));
        Assert.False(sandbox.Verify(body, WebhookHeaders.Of((SandboxWebhookSignature.HeaderName, "")), null, Now));
        Assert.False(new SandboxWebhooks(new SandboxSettings("")).Verify(body, Signed(body, secret: ""), null, Now));
    }

    [Fact]
    public void A_stale_or_future_signature_does_not_verify()
    {
        var body = Event();

        Assert.False(sandbox.Verify(body, Signed(body), null, Now + Duration.FromSeconds(301)));
        Assert.False(sandbox.Verify(body, Signed(body, Now - Duration.FromMinutes(10)), null, Now));
        Assert.False(sandbox.Verify(body, Signed(body, Now + Duration.FromSeconds(301)), null, Now));
    }

    [Fact]
    public void The_same_event_reserialised_does_not_verify()
    {
        var body = Event();
        var reserialised = Reserialised(body);

        Assert.NotEqual(body, reserialised);
        Assert.False(sandbox.Verify(reserialised, Signed(body), null, Now));
        // Same data, so it would read the same: the signature is over bytes, not meaning.
        Assert.Equal(Parsed(body), sandbox.Parse(reserialised, WebhookHeaders.None).Notification);
    }

    [Fact]
    public void Any_single_changed_byte_of_the_body_fails_verification()
    {
        var bodies = Gen.Select(Gen.OneOf(Gen.Const("paid"), Gen.Const("declined"), Gen.Const("expired")), Gen.Long[1, 1_000_000_000_000_000], Gen.String.AlphaNumeric)
            .Select((status, amount, reference) => SandboxWebhookJson.Serialize(new SandboxWebhookEvent(
                "evt_" + reference, status == "paid" ? "payment.succeeded" : "payment.failed", Now,
                new SandboxWebhookData(reference, "sbx_txn_" + reference, status, amount, "MYR", status == "paid" ? null : status))));
        Gen.Select(bodies, Gen.Byte[1, 255], Gen.Long[-300, 300]).Sample((body, mask, skew) =>
        {
            var headers = Signed(body);
            var at = Now + Duration.FromSeconds(skew);
            Assert.True(sandbox.Verify(body, headers, null, at));
            for (var i = 0; i < body.Length; i++)
            {
                var changed = body.ToArray();
                changed[i] ^= mask;
                Assert.False(sandbox.Verify(changed, headers, null, at), $"byte {i} ^ {mask}");
            }
        });
    }

    // ---- Malformed ----

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{")]
    [InlineData("{\"data\":{\"reference\":\"PT7KQ2MX9RC-001\"}} trailing")]
    public void A_body_that_is_not_a_JSON_object_is_malformed_with_no_reference(string body)
    {
        Assert.Equal("body is not a JSON object", Malformed(body));
        Assert.Null(sandbox.ReadReference(Utf8(body)));
    }

    [Fact]
    public void The_reference_is_data_reference()
    {
        Assert.Equal("PT7KQ2MX9RC-001", sandbox.ReadReference(Event()));
        Assert.Null(sandbox.ReadReference(Utf8("""{"reference":"PT7KQ2MX9RC-001"}""")));
        Assert.Null(sandbox.ReadReference(Utf8("""{"data":"PT7KQ2MX9RC-001"}""")));
        Assert.Null(sandbox.ReadReference(Utf8("""{"data":{"reference":null}}""")));
    }

    [Theory]
    [InlineData("reference", "missing data.reference")]
    [InlineData("status", "missing data.status")]
    [InlineData("transaction_id", "missing data.transaction_id")]
    [InlineData("currency", "missing data.currency")]
    [InlineData("amount", "data.amount is not a positive whole number of minor units")]
    public void An_event_without_a_required_data_field_is_malformed(string field, string reason)
    {
        Assert.Equal(reason, Malformed(EventJson(node => node["data"]!.AsObject().Remove(field))));
    }

    [Theory]
    [InlineData("id", "missing id")]
    [InlineData("type", "missing type")]
    [InlineData("data", "missing data")]
    public void An_event_without_a_required_field_is_malformed(string field, string reason)
    {
        Assert.Equal(reason, Malformed(EventJson(node => node.Remove(field))));
    }

    [Theory]
    [InlineData("payment.succeeded", "refunded", "type 'payment.succeeded' with data.status 'refunded'")]
    [InlineData("payment.succeeded", "declined", "type 'payment.succeeded' with data.status 'declined'")]
    [InlineData("payment.failed", "paid", "type 'payment.failed' with data.status 'paid'")]
    [InlineData("payment.failed", "cancelled", "type 'payment.failed' with data.status 'cancelled'")]
    [InlineData("refund.succeeded", "paid", "type 'refund.succeeded' with data.status 'paid'")]
    [InlineData("payment.reversed", "paid", "unknown type 'payment.reversed'")]
    public void An_unknown_status_or_type_or_a_disagreement_between_them_is_malformed(string type, string status, string reason)
    {
        Assert.Equal(reason, Malformed(EventJson(node =>
        {
            node["type"] = type;
            node["data"]!["status"] = status;
        })));
    }

    [Theory]
    [InlineData("10.5")]
    [InlineData("250000.0")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("1000000000000001")]
    [InlineData("1e3")]
    [InlineData("\"250000\"")]
    public void An_amount_that_is_not_whole_minor_units_is_malformed(string amount)
    {
        var body = Json(JsonNode.Parse(Event())!.AsObject()).Replace("\"amount\":250000", $"\"amount\":{amount}", StringComparison.Ordinal);

        Assert.Equal("data.amount is not a positive whole number of minor units", Malformed(body));
    }

    [Theory]
    [InlineData("card_declined", "data.failure_code 'card_declined' is not a failure code")]
    [InlineData("DECLINED", "data.failure_code 'DECLINED' is not a failure code")]
    public void A_failure_code_outside_the_taxonomy_is_malformed(string code, string reason)
    {
        Assert.Equal(reason, Malformed(System.Text.Encoding.UTF8.GetString(Event("payment.failed", "declined", failureCode: code))));
    }

    [Fact]
    public void An_unreadable_created_at_is_malformed()
    {
        Assert.Equal("unreadable created_at", Malformed(EventJson(node => node["created_at"] = "18/11/2026")));
        Assert.Equal("unreadable created_at", Malformed(EventJson(node => node["created_at"] = 1795000000)));
    }

    [Fact]
    public void Sandbox_is_the_gateway()
    {
        Assert.Equal("sandbox", sandbox.Gateway);
    }
}
