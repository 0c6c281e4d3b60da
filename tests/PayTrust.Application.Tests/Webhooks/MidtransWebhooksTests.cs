using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Infrastructure.Gateways;
using static PayTrust.Application.Tests.Webhooks.WebhookBodies;

namespace PayTrust.Application.Tests.Webhooks;

/// <summary>Midtrans' HTTP notification (spec §7.3, §7.4; ADR 13): signature_key, status consistency, mapping, refunds. No database.</summary>
public sealed class MidtransWebhooksTests
{
    private readonly MidtransWebhooks midtrans = new();

    private GatewayNotification Parsed(JsonObject body)
    {
        var result = midtrans.Parse(Utf8(Json(body)), WebhookHeaders.None);
        Assert.False(result.IsMalformed, result.MalformedReason);
        return result.Notification;
    }

    private string Malformed(string body)
    {
        var result = midtrans.Parse(Utf8(body), WebhookHeaders.None);
        Assert.True(result.IsMalformed, $"parsed: {result}");
        return result.MalformedReason;
    }

    private bool Verifies(JsonObject body, GatewayCredentials? credentials = null) =>
        midtrans.Verify(Utf8(Json(body)), WebhookHeaders.None, credentials ?? Midtrans(), Now);

    // ---- Parsing the documented shapes ----

    [Fact]
    public void A_settlement_notification_reads_as_a_settled_payment_in_UTC()
    {
        var notification = Parsed(MidtransNotification());

        Assert.Equal(NotificationKind.Payment, notification.Kind);
        Assert.Equal("midtrans", notification.Gateway);
        Assert.Equal("att_01HZX4", notification.AttemptReference);
        Assert.Equal("513f1f01-c9da-474c-9fc9-d5c64364b709", notification.GatewayTransactionId);
        Assert.Equal("settlement", notification.GatewayStatus);
        Assert.Equal(TxSts.ACSC, notification.Status.Status);
        Assert.Equal("IDR", notification.CurrencyCode);
        Assert.Equal(154_600, notification.Amount);
        Assert.Equal("154600.00", notification.AmountAsReceived);
        // settlement_time "2021-06-15 18:45:28" is Asia/Jakarta (UTC+7).
        Assert.Equal(Instant.FromUtc(2021, 6, 15, 11, 45, 28), notification.OccurredAt);
        Assert.Equal("gopay", notification.PaymentMethod);
        Assert.Equal("att_01HZX4:settlement:200", notification.DedupKey);
    }

    [Fact]
    public void The_pending_sample_with_gross_amount_24145_00_is_24145_rupiah_at_its_transaction_time()
    {
        // midtrans-python-client's sample notification (bank_transfer, pending, status_code 201).
        var body = new JsonObject
        {
            ["currency"] = "IDR",
            ["fraud_status"] = "accept",
            ["gross_amount"] = "24145.00",
            ["order_id"] = "test-transaction-321",
            ["payment_type"] = "bank_transfer",
            ["status_code"] = "201",
            ["status_message"] = "Success, Bank Transfer transaction is created",
            ["transaction_id"] = "6ee793df-9b1d-4343-8eda-cc9663b4222f",
            ["transaction_status"] = "pending",
            ["transaction_time"] = "2018-10-24 15:34:33",
            ["va_numbers"] = new JsonArray(new JsonObject { ["bank"] = "bca", ["va_number"] = "490526303019299" }),
        };
        Resign(body);

        var notification = Parsed(body);

        Assert.True(Verifies(body));
        Assert.Equal(24_145, notification.Amount);
        Assert.Equal(TxSts.PDNG, notification.Status.Status);
        Assert.Equal("test-transaction-321", notification.AttemptReference);
        Assert.Equal(Instant.FromUtc(2018, 10, 24, 8, 34, 33), notification.OccurredAt);
        Assert.Equal("test-transaction-321:pending:201", notification.DedupKey);
    }

    [Theory]
    [InlineData("capture", "accept", "200", TxSts.ACSC, null)]
    [InlineData("capture", null, "200", TxSts.ACSC, null)]
    [InlineData("settlement", "accept", "200", TxSts.ACSC, null)]
    [InlineData("settlement", null, "200", TxSts.ACSC, null)]
    [InlineData("capture", "challenge", "201", TxSts.ACCP, null)]
    [InlineData("pending", "accept", "201", TxSts.PDNG, null)]
    [InlineData("pending", null, "201", TxSts.PDNG, null)]
    [InlineData("authorize", "accept", "200", TxSts.PDNG, null)]
    [InlineData("authorize", "challenge", "201", TxSts.PDNG, null)]
    [InlineData("deny", "accept", "202", TxSts.RJCT, "declined")]
    [InlineData("deny", null, "202", TxSts.RJCT, "declined")]
    [InlineData("deny", "deny", "202", TxSts.RJCT, "fraud_rejected")]
    [InlineData("capture", "deny", "202", TxSts.RJCT, "fraud_rejected")]
    [InlineData("cancel", "accept", "202", TxSts.RJCT, "cancelled_by_customer")]
    [InlineData("expire", "accept", "202", TxSts.RJCT, "expired")]
    [InlineData("expire", null, "407", TxSts.RJCT, "expired")]
    [InlineData("failure", null, "202", TxSts.RJCT, "declined")]
    public void Every_transaction_status_maps_to_its_payment_status_and_verifies_with_its_status_code(
        string status, string? fraud, string statusCode, TxSts expected, string? reason)
    {
        var body = MidtransNotification(status, statusCode, fraudStatus: fraud);

        var notification = Parsed(body);

        Assert.True(Verifies(body));
        Assert.Equal(NotificationKind.Payment, notification.Kind);
        Assert.Equal(expected, notification.Status.Status);
        Assert.Equal(reason, notification.Status.Reason?.Code);
        Assert.Equal($"att_01HZX4:{status}:{statusCode}", notification.DedupKey);
    }

    [Fact]
    public void Payment_times_are_Jakarta_local_times_converted_to_UTC()
    {
        var capture = MidtransNotification("capture", "200");
        capture["transaction_time"] = "2026-01-01 06:59:59";

        Assert.Equal(Instant.FromUtc(2025, 12, 31, 23, 59, 59), Parsed(capture).OccurredAt);

        var settlement = MidtransNotification();
        settlement.Remove("settlement_time");
        Assert.Equal(Instant.FromUtc(2021, 6, 15, 11, 45, 13), Parsed(settlement).OccurredAt);
    }

    [Theory]
    [InlineData("24145.00", 24_145)]
    [InlineData("24145", 24_145)]
    [InlineData("1000000000000000.00", 1_000_000_000_000_000)]
    public void Gross_amounts_are_whole_rupiah(string gross, long minor)
    {
        Assert.Equal(minor, Parsed(MidtransNotification(grossAmount: gross)).Amount);
    }

    [Theory]
    [InlineData("0.00")]
    [InlineData("0")]
    public void A_zero_gross_amount_is_malformed(string gross)
    {
        Assert.Equal("gross_amount not a positive amount", Malformed(Json(MidtransNotification(grossAmount: gross))));
    }

    [Fact]
    public void The_currency_is_as_received_and_IDR_when_the_notification_has_none()
    {
        var withoutCurrency = MidtransNotification();
        withoutCurrency.Remove("currency");
        Assert.Equal("IDR", Parsed(withoutCurrency).CurrencyCode);

        var usd = MidtransNotification(grossAmount: "12.34");
        usd["currency"] = "USD";
        Assert.Equal(1_234, Parsed(usd).Amount);

        var unknown = MidtransNotification(grossAmount: "12.345");
        unknown["currency"] = "KWD";
        var notification = Parsed(unknown);
        Assert.Equal("KWD", notification.CurrencyCode);
        Assert.Null(notification.Amount);
        Assert.Equal("12.345", notification.AmountAsReceived);
    }

    // ---- Refunds ----

    [Fact]
    public void A_partial_refund_notification_reads_as_its_newest_refund_and_lists_them_all()
    {
        var notification = Parsed(MidtransPartialRefund());

        Assert.Equal(NotificationKind.MoneyOut, notification.Kind);
        Assert.Equal("example-1424936368", notification.AttemptReference);
        Assert.Equal("249fc620-6017-4540-af7c-5a1c25788f46", notification.GatewayTransactionId);
        Assert.Equal("partial_refund", notification.GatewayStatus);
        Assert.Equal(30_000, notification.Amount);
        Assert.Equal("2", notification.RefundId);
        Assert.Equal(7_000, notification.RefundAmount);
        Assert.Null(notification.RefundReason);
        Assert.Equal(Instant.FromUtc(2015, 2, 27, 18, 23, 15), notification.OccurredAt);
        Assert.Equal(
            [
                new GatewayRefund("1", 5_000, "some reason", Instant.FromUtc(2015, 2, 26, 17, 14, 20)),
                new GatewayRefund("2", 7_000, null, Instant.FromUtc(2015, 2, 27, 18, 23, 15)),
            ],
            notification.Refunds);
        Assert.Equal("example-1424936368:partial_refund:200:2", notification.DedupKey);
        Assert.True(Verifies(MidtransPartialRefund()));
    }

    [Fact]
    public void A_settlement_with_another_transaction_id_is_the_same_event_since_the_signature_does_not_cover_it()
    {
        var replayed = MidtransNotification();
        replayed["transaction_id"] = "11111111-2222-3333-4444-555555555555";

        Assert.True(Verifies(replayed));
        Assert.Equal(Parsed(MidtransNotification()).DedupKey, Parsed(replayed).DedupKey);
        Assert.NotEqual(Parsed(MidtransNotification()).GatewayTransactionId, Parsed(replayed).GatewayTransactionId);
    }

    [Fact]
    public void Two_partial_refunds_of_one_transaction_are_two_events()
    {
        var first = MidtransPartialRefund();
        first["refunds"]!.AsArray().RemoveAt(1);
        first["refund_amount"] = "5000.00";

        Assert.NotEqual(Parsed(first).DedupKey, Parsed(MidtransPartialRefund()).DedupKey);
        Assert.Equal(Parsed(MidtransPartialRefund()).DedupKey, Parsed(MidtransPartialRefund()).DedupKey);
    }

    [Fact]
    public void A_full_refund_in_the_single_refund_shape_reads_as_that_refund()
    {
        var body = MidtransNotification("refund", "200", "10000.00");
        body["refund_chargeback_id"] = 1;
        body["refund_amount"] = "10000.00";
        body["refund_key"] = "reference1";

        var notification = Parsed(body);

        Assert.Equal(NotificationKind.MoneyOut, notification.Kind);
        Assert.Equal(TxSts.ACSC, notification.Status.Status);
        Assert.Equal("1", notification.RefundId);
        Assert.Equal(10_000, notification.RefundAmount);
        Assert.Null(notification.OccurredAt);
        Assert.Single(notification.Refunds);
    }

    [Theory]
    [InlineData("""{"refund_chargeback_id":1,"refund_amount":"5000.50","created_at":"2015-02-27 00:14:20"}""", "refund_amount not a whole number of IDR minor units up to 10^15")]
    [InlineData("""{"refund_amount":"5000.00"}""", "refund without refund_chargeback_id")]
    [InlineData("""{"refund_chargeback_id":1}""", "refund without refund_amount")]
    [InlineData("""{"refund_chargeback_id":1.5,"refund_amount":"5000.00"}""", "unreadable refund_chargeback_id")]
    [InlineData("""{"refund_chargeback_id":1,"refund_amount":"5000.00","created_at":"27/02/2015"}""", "unreadable refund created_at")]
    [InlineData("\"refund\"", "refund is not an object")]
    public void A_refund_that_cannot_be_read_is_malformed(string refund, string reason)
    {
        var body = Json(MidtransPartialRefund());
        var start = body.IndexOf("\"refunds\":", StringComparison.Ordinal);
        var changed = string.Concat(body.AsSpan(0, start), $"\"refunds\":[{refund}]}}");

        Assert.Equal(reason, Malformed(changed));
    }

    [Fact]
    public void A_refund_notification_without_refunds_is_malformed()
    {
        var body = MidtransPartialRefund();
        body.Remove("refunds");

        Assert.Equal("money out without refunds", Malformed(Json(body)));
    }

    // ---- Verification ----

    [Fact]
    public void The_signature_with_the_tenants_server_key_verifies()
    {
        Assert.True(Verifies(MidtransNotification()));
        Assert.Equal(MidtransSignature("att_01HZX4", "200", "154600.00"), MidtransWebhooks.Signature("att_01HZX4", "200", "154600.00", ServerKey));
    }

    [Fact]
    public void Another_key_no_credentials_or_another_gateways_credentials_do_not_verify()
    {
        var body = MidtransNotification();

        Assert.False(Verifies(body, Midtrans(OtherTenantServerKey)));
        Assert.False(Verifies(MidtransNotification(serverKey: OtherTenantServerKey)));
        Assert.False(midtrans.Verify(Utf8(Json(body)), WebhookHeaders.None, null, Now));
        Assert.False(Verifies(body, Midtrans(serverKey: null)));
        Assert.False(Verifies(body, Midtrans(serverKey: "")));
        Assert.False(Verifies(body, new GatewayCredentials("xendit", "sandbox", ServerKey, ServerKey, ServerKey, Now)));
    }

    [Theory]
    [InlineData("signature_key")]
    [InlineData("order_id")]
    [InlineData("status_code")]
    [InlineData("gross_amount")]
    public void A_notification_missing_a_signed_field_does_not_verify(string field)
    {
        var body = MidtransNotification();
        body.Remove(field);

        Assert.False(Verifies(body));
    }

    [Fact]
    public void The_signature_is_lowercase_hex_and_nothing_else()
    {
        var body = MidtransNotification();
        var signature = body["signature_key"]!.GetValue<string>();

        body["signature_key"] = signature.ToUpperInvariant();
        Assert.False(Verifies(body));
        body["signature_key"] = signature + "00";
        Assert.False(Verifies(body));
        body["signature_key"] = signature[..^2];
        Assert.False(Verifies(body));
        body["signature_key"] = Convert.ToBase64String(Convert.FromHexString(signature));
        Assert.False(Verifies(body));
    }

    [Fact]
    public void The_signature_is_over_the_strings_as_received_so_an_equal_amount_written_otherwise_does_not_verify()
    {
        var body = MidtransNotification();
        body["gross_amount"] = "154600.0";

        Assert.False(Verifies(body));
        Assert.True(Verifies(Resign(body)));
    }

    [Theory]
    [InlineData("settlement", "accept", "201")]
    [InlineData("settlement", "accept", "202")]
    [InlineData("capture", "accept", "201")]
    [InlineData("capture", null, "202")]
    [InlineData("capture", "challenge", "200")]
    [InlineData("capture", "deny", "200")]
    [InlineData("pending", "accept", "200")]
    [InlineData("pending", "accept", "202")]
    [InlineData("deny", "accept", "200")]
    [InlineData("deny", "deny", "201")]
    [InlineData("cancel", "accept", "201")]
    [InlineData("cancel", "accept", "407")]
    [InlineData("chargeback", null, "202")]
    [InlineData("partial_chargeback", null, "201")]
    [InlineData("expire", "accept", "200")]
    [InlineData("expire", "accept", "201")]
    [InlineData("refund", "accept", "201")]
    [InlineData("partial_refund", "accept", "202")]
    [InlineData("failure", null, "200")]
    public void A_transaction_status_that_contradicts_its_signed_status_code_does_not_verify(string status, string? fraud, string statusCode)
    {
        // Correctly signed — only order_id, status_code and gross_amount are — but the unsigned status tells another story.
        Assert.False(Verifies(MidtransNotification(status, statusCode, fraudStatus: fraud)));
    }

    [Fact]
    public void A_pending_notification_rewritten_as_paid_does_not_verify()
    {
        var body = MidtransNotification("pending", "201");
        body["transaction_status"] = "settlement";
        Assert.False(Verifies(body));

        var challenged = MidtransNotification("capture", "201", fraudStatus: "challenge");
        challenged["fraud_status"] = "accept";
        Assert.False(Verifies(challenged));
        challenged.Remove("fraud_status");
        Assert.False(Verifies(challenged));
    }

    [Fact]
    public void A_status_this_protocol_does_not_know_is_judged_by_its_signature_and_left_to_Parse()
    {
        var body = MidtransNotification("on_hold", "200");

        Assert.True(Verifies(body));
        Assert.Equal("unknown transaction_status 'on_hold'", Malformed(Json(body)));
    }

    [Fact]
    public void Any_single_changed_byte_in_a_signed_field_or_the_signature_fails_verification()
    {
        var combinations = new[]
        {
            ("settlement", "accept", "200"), ("capture", "accept", "200"), ("capture", "challenge", "201"), ("pending", "accept", "201"),
            ("deny", "accept", "202"), ("expire", "accept", "407"), ("refund", "accept", "200"),
        };
        var orderIds = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."], 1, 50];
        var grossAmounts = Gen.Long[0, 1_000_000_000_000].Select(rupiah => $"{rupiah}.00");
        var keys = Gen.String[Gen.Char.AlphaNumeric, 8, 60];
        Gen.Select(orderIds, grossAmounts, keys, Gen.Int[0, combinations.Length - 1], Gen.Byte[1, 255])
            .Sample((orderId, gross, key, pick, mask) =>
            {
                var (status, fraud, code) = combinations[pick];
                var credentials = Midtrans(key);
                var body = Utf8(Json(MidtransNotification(status, code, gross, fraud, orderId, key)));
                Assert.True(midtrans.Verify(body, WebhookHeaders.None, credentials, Now));

                foreach (var field in new[] { "order_id", "status_code", "gross_amount", "signature_key" })
                {
                    var (start, length) = ValueSpan(body, field);
                    for (var i = start; i < start + length; i++)
                    {
                        var changed = body.ToArray();
                        changed[i] ^= mask;
                        Assert.False(midtrans.Verify(changed, WebhookHeaders.None, credentials, Now), $"{field} byte {i - start} ^ {mask}");
                    }
                }
            });
    }

    /// <summary>Where a string property's value lies in the serialised body (between its quotes).</summary>
    private static (int Start, int Length) ValueSpan(byte[] body, string field)
    {
        var text = Encoding.UTF8.GetString(body);
        var marker = $"\"{field}\":\"";
        var start = text.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        return (start, text.IndexOf('"', start) - start);
    }

    // ---- Malformed ----

    [Theory]
    [InlineData("")]
    [InlineData("order_id=att_01HZX4&status_code=200")]
    [InlineData("[{\"order_id\":\"att_01HZX4\"}]")]
    [InlineData("{\"order_id\":\"att_01HZX4\",}")]
    public void A_body_that_is_not_a_JSON_object_is_malformed_unverified_and_names_no_reference(string body)
    {
        Assert.Equal("body is not a JSON object", Malformed(body));
        Assert.Null(midtrans.ReadReference(Utf8(body)));
        Assert.False(midtrans.Verify(Utf8(body), WebhookHeaders.None, Midtrans(), Now));
    }

    [Fact]
    public void The_reference_is_the_order_id()
    {
        Assert.Equal("att_01HZX4", midtrans.ReadReference(Utf8(Json(MidtransNotification()))));
        var body = MidtransNotification();
        body.Remove("order_id");
        Assert.Null(midtrans.ReadReference(Utf8(Json(body))));
    }

    [Theory]
    [InlineData("order_id", "missing order_id")]
    [InlineData("transaction_status", "missing transaction_status")]
    [InlineData("status_code", "missing status_code")]
    [InlineData("transaction_id", "missing transaction_id")]
    [InlineData("gross_amount", "missing gross_amount")]
    public void A_notification_without_a_required_field_is_malformed(string field, string reason)
    {
        var body = MidtransNotification();
        body.Remove(field);

        Assert.Equal(reason, Malformed(Json(body)));
    }

    [Theory]
    [InlineData("success", "unknown transaction_status 'success'")]
    [InlineData("SETTLEMENT", "unknown transaction_status 'SETTLEMENT'")]
    [InlineData("charged_back", "unknown transaction_status 'charged_back'")]
    public void An_unknown_transaction_status_is_malformed(string status, string reason)
    {
        Assert.Equal(reason, Malformed(Json(MidtransNotification(status))));
    }

    [Theory]
    [InlineData("settlement", "challenge")]
    [InlineData("settlement", "deny")]
    [InlineData("capture", "review")]
    public void A_fraud_status_that_contradicts_the_transaction_status_is_malformed(string status, string fraud)
    {
        Assert.Equal($"transaction_status '{status}' with fraud_status '{fraud}'", Malformed(Json(MidtransNotification(status, fraudStatus: fraud))));
    }

    [Theory]
    [InlineData("10.5")]
    [InlineData("24145.001")]
    [InlineData("24145.50")]
    [InlineData("-1.00")]
    [InlineData("1,000.00")]
    [InlineData("1e3")]
    [InlineData(" 100.00")]
    [InlineData("100.")]
    [InlineData(".5")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("1000000000000000.01")]
    [InlineData("99999999999999999999999999999999999.00")]
    public void A_gross_amount_that_is_not_whole_rupiah_is_malformed(string gross)
    {
        Assert.StartsWith("gross_amount ", Malformed(Json(MidtransNotification(grossAmount: gross))), StringComparison.Ordinal);
    }

    [Fact]
    public void An_inexact_amount_in_two_decimal_currencies_is_malformed()
    {
        var body = MidtransNotification(grossAmount: "12.345");
        body["currency"] = "MYR";

        Assert.Equal("gross_amount not a whole number of MYR minor units up to 10^15", Malformed(Json(body)));
    }

    [Fact]
    public void An_unreadable_time_is_malformed()
    {
        var body = MidtransNotification();
        body["settlement_time"] = "2021-06-15T18:45:28Z";

        Assert.Equal("unreadable settlement_time", Malformed(Json(body)));
    }

    [Fact]
    public void Midtrans_is_the_gateway()
    {
        Assert.Equal("midtrans", midtrans.Gateway);
    }
}
