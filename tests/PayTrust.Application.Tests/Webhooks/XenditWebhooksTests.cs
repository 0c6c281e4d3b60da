using System.Text.Json.Nodes;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Payments;
using PayTrust.Infrastructure.Gateways;
using static PayTrust.Application.Tests.Webhooks.WebhookBodies;

namespace PayTrust.Application.Tests.Webhooks;

/// <summary>Xendit's invoice callback (spec §7.3, §7.4; ADR 13): x-callback-token, fields, status mapping, dedup key. No database.</summary>
public sealed class XenditWebhooksTests
{
    private readonly XenditWebhooks xendit = new();

    private static WebhookHeaders Token(string? token = CallbackToken, string? webhookId = null) =>
        WebhookHeaders.Of(("x-callback-token", token), ("webhook-id", webhookId), ("Content-Type", "application/json"));

    private GatewayNotification Parsed(JsonObject body, IWebhookHeaders? headers = null)
    {
        var result = xendit.Parse(Utf8(Json(body)), headers ?? Token());
        Assert.False(result.IsMalformed, result.MalformedReason);
        return result.Notification;
    }

    private string Malformed(string body)
    {
        var result = xendit.Parse(Utf8(body), Token());
        Assert.True(result.IsMalformed, $"parsed: {result}");
        return result.MalformedReason;
    }

    // ---- Parsing the documented shape ----

    [Fact]
    public void A_paid_callback_reads_as_a_settled_payment_of_the_paid_amount()
    {
        var notification = Parsed(XenditInvoice(), Token(webhookId: "whk_5f8a9c0d1e2f"));

        Assert.Equal(NotificationKind.Payment, notification.Kind);
        Assert.Equal("xendit", notification.Gateway);
        Assert.Equal("att_01HZX4", notification.AttemptReference);
        Assert.Equal("579c8d61f23fa4ca35e52da4", notification.GatewayTransactionId);
        // The invoice id is also the session it must match (the attempt's gateway_reference).
        Assert.Equal("579c8d61f23fa4ca35e52da4", notification.SessionId);
        Assert.Equal("PAID", notification.GatewayStatus);
        Assert.Equal(TxSts.ACSC, notification.Status.Status);
        Assert.Null(notification.Status.Reason);
        Assert.Equal("IDR", notification.CurrencyCode);
        Assert.Equal(50_000, notification.Amount);
        Assert.Equal("50000", notification.AmountAsReceived);
        Assert.Equal(Instant.FromUtc(2016, 10, 12, 8, 15, 3) + Duration.FromMilliseconds(404), notification.OccurredAt);
        Assert.Equal("BANK_TRANSFER", notification.PaymentMethod);
        Assert.Equal("whk_5f8a9c0d1e2f", notification.DedupKey);
        Assert.Empty(notification.Refunds);
        Assert.Null(notification.RefundId);
    }

    [Fact]
    public void The_dedup_key_is_the_webhook_id_header_when_Xendit_sends_one_else_invoice_id_and_status()
    {
        Assert.Equal("whk_1", Parsed(XenditInvoice(), Token(webhookId: "whk_1")).DedupKey);
        Assert.Equal("whk_1", Parsed(XenditInvoice(), WebhookHeaders.Of(("Webhook-Id", " whk_1 "))).DedupKey);
        Assert.Equal("579c8d61f23fa4ca35e52da4:PAID", Parsed(XenditInvoice()).DedupKey);
        Assert.Equal("579c8d61f23fa4ca35e52da4:PAID", Parsed(XenditInvoice(), Token(webhookId: "")).DedupKey);
        Assert.Equal("579c8d61f23fa4ca35e52da4:SETTLED", Parsed(XenditInvoice("SETTLED")).DedupKey);
        Assert.Equal("579c8d61f23fa4ca35e52da4:EXPIRED", Parsed(XenditInvoice("EXPIRED")).DedupKey);
    }

    [Theory]
    [InlineData("PAID", TxSts.ACSC, null)]
    [InlineData("SETTLED", TxSts.ACSC, null)]
    [InlineData("PENDING", TxSts.PDNG, null)]
    [InlineData("EXPIRED", TxSts.RJCT, "expired")]
    public void Every_invoice_status_maps_to_its_payment_status(string status, TxSts expected, string? reason)
    {
        var notification = Parsed(XenditInvoice(status));

        Assert.Equal(expected, notification.Status.Status);
        Assert.Equal(reason, notification.Status.Reason?.Code);
        Assert.Equal(status, notification.GatewayStatus);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0.00")]
    [InlineData("-5")]
    public void A_zero_or_negative_paid_amount_is_malformed(string major)
    {
        var body = Json(XenditInvoice()).Replace("\"paid_amount\":50000", $"\"paid_amount\":{major}", StringComparison.Ordinal);

        Assert.Equal("paid_amount not a positive amount", xendit.Parse(Utf8(body), Token()).MalformedReason);
    }

    [Theory]
    [InlineData("IDR", "150000", 150_000)]
    [InlineData("IDR", "150000.00", 150_000)]
    [InlineData("MYR", "123.45", 12_345)]
    [InlineData("MYR", "100.1", 10_010)]
    [InlineData("MYR", "100", 10_000)]
    [InlineData("USD", "0.01", 1)]
    [InlineData("USD", "99.990", 9_999)]
    [InlineData("USD", "10000000000000.00", 1_000_000_000_000_000)]
    public void Amounts_convert_exactly_with_the_currency_exponent(string currency, string major, long minor)
    {
        var body = Json(XenditInvoice(currency: currency)).Replace("\"paid_amount\":50000", $"\"paid_amount\":{major}", StringComparison.Ordinal);

        var notification = xendit.Parse(Utf8(body), Token()).Notification!;

        Assert.Equal(minor, notification.Amount);
        Assert.Equal(major, notification.AmountAsReceived);
        Assert.Equal(currency, notification.CurrencyCode);
    }

    [Fact]
    public void A_paid_callback_reports_what_was_paid_not_what_was_asked()
    {
        var partly = Parsed(XenditInvoice(amount: 150_000, paidAmount: 100_000));
        Assert.Equal(100_000, partly.Amount);

        var withoutPaidAmount = XenditInvoice(amount: 150_000);
        withoutPaidAmount.Remove("paid_amount");
        Assert.Equal(150_000, Parsed(withoutPaidAmount).Amount);

        var nullPaidAmount = XenditInvoice(amount: 150_000);
        nullPaidAmount["paid_amount"] = null;
        Assert.Equal(150_000, Parsed(nullPaidAmount).Amount);
    }

    [Fact]
    public void Pending_and_expired_callbacks_report_the_invoice_amount_and_the_update_time()
    {
        var expired = XenditInvoice("EXPIRED", amount: 150_000, paidAmount: 0);
        expired.Remove("paid_at");

        var notification = Parsed(expired);

        Assert.Equal(150_000, notification.Amount);
        Assert.Equal(Instant.FromUtc(2016, 10, 10, 8, 15, 3) + Duration.FromMilliseconds(404), notification.OccurredAt);
    }

    [Fact]
    public void A_currency_PayTrust_does_not_know_is_reported_as_received_with_the_amount_left_to_the_caller()
    {
        // Not malformed: a currency mismatch is the caller's to record (§7.4 step 3), and it cannot be an invoice's currency.
        var notification = Parsed(XenditInvoice(currency: "SGD", amount: 123.45m, paidAmount: 123.45m));

        Assert.Equal("SGD", notification.CurrencyCode);
        Assert.Null(notification.Amount);
        Assert.Equal("123.45", notification.AmountAsReceived);
    }

    [Fact]
    public void A_paid_callback_without_paid_at_falls_back_to_updated()
    {
        var body = XenditInvoice();
        body.Remove("paid_at");

        Assert.Equal(Instant.FromUtc(2016, 10, 10, 8, 15, 3) + Duration.FromMilliseconds(404), Parsed(body).OccurredAt);
    }

    // ---- Verification ----

    [Fact]
    public void The_tenants_callback_token_verifies()
    {
        Assert.True(xendit.Verify(Utf8(Json(XenditInvoice())), Token(), Xendit(), Now));
        Assert.True(xendit.Verify(Utf8(Json(XenditInvoice())), WebhookHeaders.Of(("X-CALLBACK-TOKEN", CallbackToken)), Xendit(), Now));
    }

    [Theory]
    [InlineData(OtherTenantCallbackToken)]
    [InlineData("xnd_cb_7Fq2vR9kLm3Np8Ws4Tz6Yb1Hc5Jd0G")]
    [InlineData("xnd_cb_7Fq2vR9kLm3Np8Ws4Tz6Yb1Hc5Jd0Gee")]
    [InlineData("XND_CB_7FQ2VR9KLM3NP8WS4TZ6YB1HC5JD0GE")]
    [InlineData(" xnd_cb_7Fq2vR9kLm3Np8Ws4Tz6Yb1Hc5Jd0Ge")]
    [InlineData("")]
    public void A_wrong_token_does_not_verify(string token)
    {
        Assert.False(xendit.Verify(Utf8(Json(XenditInvoice())), Token(token), Xendit(), Now));
    }

    [Fact]
    public void A_missing_token_no_credentials_or_credentials_without_a_token_do_not_verify()
    {
        var body = Utf8(Json(XenditInvoice()));

        Assert.False(xendit.Verify(body, WebhookHeaders.Of(("Content-Type", "application/json")), Xendit(), Now));
        Assert.False(xendit.Verify(body, Token(), null, Now));
        Assert.False(xendit.Verify(body, Token(), Xendit(callbackToken: null), Now));
        Assert.False(xendit.Verify(body, Token(""), Xendit(callbackToken: ""), Now));
    }

    [Fact]
    public void Another_tenants_token_or_another_gateways_credentials_do_not_verify()
    {
        var body = Utf8(Json(XenditInvoice()));

        Assert.False(xendit.Verify(body, Token(), Xendit(OtherTenantCallbackToken), Now));
        Assert.False(xendit.Verify(body, Token(ServerKey), Midtrans(), Now));
        Assert.False(xendit.Verify(body, Token(), new GatewayCredentials("midtrans", "sandbox", null, CallbackToken, ServerKey, Now), Now));
    }

    [Fact]
    public void A_token_sent_twice_does_not_verify()
    {
        var headers = new WebhookHeaders([new("x-callback-token", CallbackToken), new("X-Callback-Token", CallbackToken)]);

        Assert.False(xendit.Verify(Utf8(Json(XenditInvoice())), headers, Xendit(), Now));
    }

    [Fact]
    public void The_callback_token_does_not_cover_the_body_so_a_changed_amount_still_verifies()
    {
        // Xendit's scheme, not ours (ADR 13): the token proves the sender knows it, nothing about the bytes.
        // The caller compares amount and currency with the attempt and records any difference as a discrepancy.
        var changed = Utf8(Json(XenditInvoice(amount: 1, paidAmount: 1)));

        Assert.True(xendit.Verify(changed, Token(), Xendit(), Now));
        Assert.Equal(1, xendit.Parse(changed, Token()).Notification!.Amount);
    }

    // ---- Malformed ----

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("\"PAID\"")]
    [InlineData("{\"external_id\":\"att_01HZX4\"")]
    public void A_body_that_is_not_a_JSON_object_is_malformed_with_no_reference(string body)
    {
        Assert.Equal("body is not a JSON object", Malformed(body));
        Assert.Null(xendit.ReadReference(Utf8(body)));
    }

    [Fact]
    public void The_reference_is_the_external_id()
    {
        Assert.Equal("att_01HZX4", xendit.ReadReference(Utf8(Json(XenditInvoice()))));
        Assert.Null(xendit.ReadReference(Utf8("""{"external_id":""}""")));
        Assert.Null(xendit.ReadReference(Utf8("""{"external_id":42}""")));
    }

    [Theory]
    [InlineData("external_id", "missing external_id")]
    [InlineData("id", "missing id")]
    [InlineData("status", "missing status")]
    [InlineData("currency", "missing currency")]
    public void A_callback_without_a_required_field_is_malformed(string field, string reason)
    {
        var body = XenditInvoice();
        body.Remove(field);

        Assert.Equal(reason, Malformed(Json(body)));
        if (field == "external_id")
        {
            Assert.Null(xendit.ReadReference(Utf8(Json(body))));
        }
    }

    [Theory]
    [InlineData("paid", "unknown status 'paid'")]
    [InlineData("REFUNDED", "unknown status 'REFUNDED'")]
    [InlineData("PAID; DROP TABLE", "unknown status unreadable")]
    public void An_unknown_status_word_is_malformed(string status, string reason)
    {
        Assert.Equal(reason, Malformed(Json(XenditInvoice(status))));
    }

    [Theory]
    [InlineData("IDR", "10.5")]
    [InlineData("IDR", "150000.01")]
    [InlineData("MYR", "123.451")]
    [InlineData("USD", "0.001")]
    [InlineData("USD", "-1")]
    [InlineData("USD", "10000000000000.01")]
    [InlineData("IDR", "1e400")]
    [InlineData("IDR", "\"50000\"")]
    [InlineData("IDR", "null")]
    public void An_amount_that_is_not_a_whole_number_of_minor_units_is_malformed(string currency, string paid)
    {
        var body = Json(XenditInvoice(currency: currency)).Replace("\"paid_amount\":50000", $"\"paid_amount\":{paid}", StringComparison.Ordinal);
        if (paid == "null")
        {
            // A null paid_amount falls back to amount: make that one bad instead.
            body = body.Replace("\"amount\":50000", "\"amount\":50000.5", StringComparison.Ordinal);
        }

        Assert.StartsWith(paid == "null" ? "amount " : "paid_amount ", Malformed(body), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_paid_at_is_malformed()
    {
        var body = XenditInvoice();
        body["paid_at"] = "yesterday";

        Assert.Equal("unreadable paid_at", Malformed(Json(body)));
    }

    [Fact]
    public void A_body_naming_a_field_twice_is_malformed_and_names_no_reference()
    {
        // Two readers could otherwise take different external_ids: one for the tenant, one for the payment.
        const string body = """{"id":"inv_1","external_id":"att_A","status":"PAID","amount":1,"currency":"IDR","external_id":"att_B"}""";

        Assert.Null(xendit.ReadReference(Utf8(body)));
        Assert.Equal("body is not a JSON object", Malformed(body));
    }

    [Fact]
    public void Xendit_is_the_gateway_and_a_status_report_rejects_only_with_a_reason()
    {
        Assert.Equal("xendit", xendit.Gateway);
        Assert.Throws<ArgumentNullException>(() => PaymentStatusReport.Rejected(null!));
        Assert.Equal(FailureCode.Expired, Parsed(XenditInvoice("EXPIRED")).Status.Reason);
    }
}
