using System.Text;
using CsCheck;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Sandbox;
using PayTrust.Infrastructure.Gateways;
using static PayTrust.Application.Tests.Webhooks.WebhookBodies;

namespace PayTrust.Application.Tests.Webhooks;

/// <summary>
/// Whatever arrives — random bytes, or JSON made of the fields the protocols read holding values of every kind —
/// no protocol throws, and whatever parses names the same attempt ReadReference found.
/// </summary>
public sealed class WebhookRobustnessTests
{
    private static readonly IWebhookProtocol[] Protocols = [new XenditWebhooks(), new MidtransWebhooks(), new SandboxWebhooks(new SandboxSettings(SandboxSecret))];

    private static readonly string[] FieldNames =
    [
        "id", "external_id", "status", "amount", "paid_amount", "currency", "paid_at", "updated", "payment_method",
        "order_id", "transaction_id", "transaction_status", "status_code", "gross_amount", "signature_key", "fraud_status",
        "transaction_time", "settlement_time", "payment_type", "refunds", "refund_chargeback_id", "refund_amount", "created_at", "reason",
        "type", "data", "reference", "failure_code", "refund_id", "other",
    ];

    private static readonly string[] Words =
    [
        "PAID", "SETTLED", "PENDING", "EXPIRED", "settlement", "capture", "pending", "deny", "cancel", "expire", "failure", "refund",
        "partial_refund", "authorize", "accept", "challenge", "paid", "declined", "expired", "refunded", "payment.succeeded",
        "payment.failed", "refund.succeeded", "200", "201", "202", "407", "IDR", "MYR", "USD", "XXX", "24145.00", "10.5", "-1",
        "2021-06-15 18:45:28", "2016-10-12T08:15:03.404Z", "", "att_01HZX4", "\\ud800", "\\u0000", "é", "insufficient_funds",
    ];

    private static readonly Gen<string> Scalar = Gen.OneOf(
        Gen.OneOf(Words).Select(word => $"\"{word}\""),
        Gen.String.Select(text => System.Text.Json.JsonSerializer.Serialize(text)),
        Gen.Long.Select(number => number.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Decimal.Select(number => number.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.OneOf("null", "true", "false", "1e400", "-0", "0.000001", "1E3", "[]", "{}", "[1,\"a\",null]"));

    private static readonly Gen<string> Objects = Gen.Recursive<string>((depth, inner) =>
    {
        var value = depth < 3 ? Gen.Frequency((4, Scalar), (1, inner), (1, inner.Array[0, 3].Select(items => $"[{string.Join(',', items)}]"))) : Scalar;
        var property = Gen.Select(Gen.OneOf(FieldNames), value).Select((name, v) => $"\"{name}\":{v}");
        return property.Array[0, 12].Select(properties => "{" + string.Join(',', properties) + "}");
    });

    private static readonly Gen<WebhookHeaders> Headers = Gen.Select(Gen.String, Gen.String, Gen.String)
        .Select((token, id, signature) => WebhookHeaders.Of(("x-callback-token", token), ("webhook-id", id), ("PayTrust-Signature", signature)));

    private static readonly GatewayCredentials[] Credentials = [Xendit(), Midtrans()];

    private static void Exercise(byte[] body, WebhookHeaders headers)
    {
        foreach (var protocol in Protocols)
        {
            var reference = protocol.ReadReference(body);
            var result = protocol.Parse(body, headers);
            foreach (var credentials in Credentials)
            {
                protocol.Verify(body, headers, credentials, Now);
            }

            protocol.Verify(body, headers, null, Now);
            if (!result.IsMalformed)
            {
                Assert.Equal(reference, result.Notification.AttemptReference);
                Assert.Equal(protocol.Gateway, result.Notification.Gateway);
                Assert.Equal(result.Notification.Status.Status == TxSts.RJCT, result.Notification.Status.Reason is not null);
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(result.MalformedReason));
            }
        }
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        Gen.Select(Gen.Byte.Array[0, 400], Headers).Sample(Exercise, iter: 3_000);
    }

    [Fact]
    public void Random_JSON_of_the_fields_the_protocols_read_never_throws()
    {
        Gen.Select(Objects, Headers).Sample((json, headers) => Exercise(Encoding.UTF8.GetBytes(json), headers), iter: 2_000);
    }

    [Fact]
    public void Real_bodies_with_one_byte_changed_never_throw()
    {
        byte[][] bodies =
        [
            Utf8(Json(XenditInvoice())), Utf8(Json(MidtransNotification())), Utf8(Json(MidtransPartialRefund())),
            SandboxWebhookJson.Serialize(SandboxWebhookEvent.RefundSucceeded("r", "t", 1, "IDR", Now, "rfd", "why")),
        ];
        Gen.Select(Gen.Int[0, bodies.Length - 1], Gen.Int[0, 10_000], Gen.Byte, Headers).Sample((which, position, value, headers) =>
        {
            var body = bodies[which].ToArray();
            body[position % body.Length] = value;
            Exercise(body, headers);
        }, iter: 3_000);
    }

    [Fact]
    public void Deeply_nested_or_escaped_bodies_never_throw()
    {
        Exercise(Utf8(new string('[', 10_000) + new string(']', 10_000)), WebhookHeaders.None);
        Exercise(Utf8("{\"data\":" + new string('{', 5_000) + "}"), WebhookHeaders.None);
        Exercise(Utf8("""{"external_id":"\ud800","order_id":"\udfff","data":{"reference":"\ud800x"},"status":"PAID"}"""), WebhookHeaders.None);
        Exercise([0xEF, 0xBB, 0xBF, .. Utf8(Json(XenditInvoice()))], WebhookHeaders.None);
        Exercise(Utf8("""{"external_id":"att","id":"x","status":"PAID","currency":"IDR","amount":79228162514264337593543950336}"""), WebhookHeaders.None);
    }
}
