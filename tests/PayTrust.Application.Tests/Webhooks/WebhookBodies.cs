using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using PayTrust.Application.Abstractions;

namespace PayTrust.Application.Tests.Webhooks;

/// <summary>Bodies in the gateways' documented shapes, and credentials, for the webhook protocol tests. Signatures are computed here, apart from the production code.</summary>
internal static class WebhookBodies
{
    public const string CallbackToken = "xnd_cb_7Fq2vR9kLm3Np8Ws4Tz6Yb1Hc5Jd0Ge";
    public const string OtherTenantCallbackToken = "xnd_cb_Qa9Zx8Wc7Ve6Rb5Tn4Ym3Uj2Ik1Ol0Pp";
    public const string ServerKey = "SB-Mid-server-TOq1a2AVuiyhhOjvfs3U_KeO";
    public const string OtherTenantServerKey = "SB-Mid-server-9dkW2mQx7LrT0pZa4Hc8_VnE";
    public const string SandboxSecret = "whsec_sandbox_3f9a";

    public static readonly Instant Now = Instant.FromUtc(2026, 11, 18, 11, 6, 40);

    public static GatewayCredentials Xendit(string? callbackToken = CallbackToken) => new("xendit", "sandbox", "xnd_development_secret", callbackToken, null, Now);

    public static GatewayCredentials Midtrans(string? serverKey = ServerKey) => new("midtrans", "sandbox", null, null, serverKey, Now);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static string Json(JsonObject body) => body.ToJsonString();

    // ---- Xendit ----

    /// <summary>An invoice callback as Xendit documents it (xendit-php InvoiceCallback / Invoice API docs).</summary>
    public static JsonObject XenditInvoice(string status = "PAID", string currency = "IDR", JsonNode? amount = null, JsonNode? paidAmount = null) => new()
    {
        ["id"] = "579c8d61f23fa4ca35e52da4",
        ["external_id"] = "att_01HZX4",
        ["user_id"] = "5781d19b2e2385880609791c",
        ["is_high"] = false,
        ["payment_method"] = "BANK_TRANSFER",
        ["status"] = status,
        ["merchant_name"] = "PayTrust Demo",
        ["amount"] = amount ?? 50000,
        ["paid_amount"] = paidAmount ?? amount?.DeepClone() ?? 50000,
        ["bank_code"] = "PERMATA",
        ["paid_at"] = "2016-10-12T08:15:03.404Z",
        ["payer_email"] = "budi@example.com",
        ["description"] = "Invoice INV-2026-0001",
        ["adjusted_received_amount"] = 47500,
        ["fees_paid_amount"] = 0,
        ["updated"] = "2016-10-10T08:15:03.404Z",
        ["created"] = "2016-10-10T08:15:03.404Z",
        ["currency"] = currency,
        ["payment_channel"] = "PERMATA",
        ["payment_destination"] = "888888888888",
    };

    // ---- Midtrans ----

    /// <summary>Lowercase hex SHA-512 of order_id + status_code + gross_amount + server key, as Midtrans documents it.</summary>
    public static string MidtransSignature(string orderId, string statusCode, string grossAmount, string serverKey = ServerKey)
    {
        var digest = SHA512.HashData(Encoding.UTF8.GetBytes(orderId + statusCode + grossAmount + serverKey));
        return string.Concat(digest.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>A notification in the shape of Midtrans' GoPay settlement sample, signed with <paramref name="serverKey"/>.</summary>
    public static JsonObject MidtransNotification(
        string transactionStatus = "settlement", string statusCode = "200", string grossAmount = "154600.00", string? fraudStatus = "accept",
        string orderId = "att_01HZX4", string serverKey = ServerKey)
    {
        var body = new JsonObject
        {
            ["transaction_time"] = "2021-06-15 18:45:13",
            ["transaction_status"] = transactionStatus,
            ["transaction_id"] = "513f1f01-c9da-474c-9fc9-d5c64364b709",
            ["status_message"] = "midtrans payment notification",
            ["status_code"] = statusCode,
            ["signature_key"] = MidtransSignature(orderId, statusCode, grossAmount, serverKey),
            ["settlement_time"] = "2021-06-15 18:45:28",
            ["payment_type"] = "gopay",
            ["order_id"] = orderId,
            ["merchant_id"] = "G141532850",
            ["gross_amount"] = grossAmount,
            ["fraud_status"] = fraudStatus,
            ["currency"] = "IDR",
        };
        if (fraudStatus is null)
        {
            body.Remove("fraud_status");
        }

        if (transactionStatus != "settlement")
        {
            body.Remove("settlement_time");
        }

        return body;
    }

    /// <summary>Midtrans' documented partial_refund notification (card, two refunds listed, refund_amount their total).</summary>
    public static JsonObject MidtransPartialRefund(string serverKey = ServerKey)
    {
        var body = new JsonObject
        {
            ["status_code"] = "200",
            ["status_message"] = "midtrans payment notification",
            ["transaction_id"] = "249fc620-6017-4540-af7c-5a1c25788f46",
            ["masked_card"] = "48111111-1114",
            ["order_id"] = "example-1424936368",
            ["payment_type"] = "credit_card",
            ["transaction_time"] = "2021-02-26 14:39:33",
            ["transaction_status"] = "partial_refund",
            ["fraud_status"] = "accept",
            ["approval_code"] = "1424936374393",
            ["signature_key"] = MidtransSignature("example-1424936368", "200", "30000.00", serverKey),
            ["bank"] = "bni",
            ["gross_amount"] = "30000.00",
            ["channel_response_code"] = "00",
            ["channel_response_message"] = "Approved",
            ["card_type"] = "credit",
            ["refund_amount"] = "12000.00",
            ["refunds"] = new JsonArray(
                new JsonObject
                {
                    ["refund_chargeback_id"] = 1,
                    ["refund_amount"] = "5000.00",
                    ["created_at"] = "2015-02-27 00:14:20",
                    ["reason"] = "some reason",
                    ["refund_key"] = "reference1",
                    ["refund_method"] = "online",
                },
                new JsonObject
                {
                    ["refund_chargeback_id"] = 2,
                    ["refund_amount"] = "7000.00",
                    ["created_at"] = "2015-02-28 01:23:15",
                    ["reason"] = "",
                    ["refund_key"] = "reference2",
                    ["refund_method"] = "offline",
                }),
        };
        return body;
    }

    /// <summary>Re-signs a Midtrans body after a test changed its signed fields.</summary>
    public static JsonObject Resign(JsonObject body, string serverKey = ServerKey)
    {
        body["signature_key"] = MidtransSignature(
            body["order_id"]!.GetValue<string>(), body["status_code"]!.GetValue<string>(), body["gross_amount"]!.GetValue<string>(), serverKey);
        return body;
    }

    /// <summary>The same JSON with its properties in another order and other whitespace: the same data, other bytes.</summary>
    public static byte[] Reserialised(byte[] body)
    {
        var node = JsonNode.Parse(body)!.AsObject();
        var reordered = new JsonObject();
        foreach (var (name, value) in node.Reverse().ToList())
        {
            reordered[name] = value?.DeepClone();
        }

        return Encoding.UTF8.GetBytes(reordered.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}

/// <summary>Platform settings for the sandbox protocol: only the secret (and whether the sandbox is on) matters here.</summary>
internal sealed class SandboxSettings(string secret, bool enabled = true) : IPlatformSettings
{
    public string PublicUrl => "http://localhost:8080";

    public string DefaultGateway => "sandbox";

    public bool SandboxEnabled => enabled;

    public Duration CheckoutSessionLifetime => Duration.FromHours(24);

    public string SandboxWebhookSecret => secret;

    public string SandboxWebhookUrl => "http://localhost:8080/webhooks/sandbox";
}
