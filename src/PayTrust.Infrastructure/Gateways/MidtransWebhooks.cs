using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Payments;

namespace PayTrust.Infrastructure.Gateways;

/// <summary>
/// Midtrans' HTTP notification (spec §7.3, §7.4). <c>signature_key</c> = lowercase hex SHA-512 of
/// order_id + status_code + gross_amount + the tenant's server key, over the strings exactly as received. The
/// signature covers neither <c>transaction_status</c> nor <c>fraud_status</c>, so a notification whose status
/// contradicts its signed <c>status_code</c> is refused too (<see cref="MidtransStatus.SignedStatusCodes"/>, ADR 13).
/// </summary>
internal sealed class MidtransWebhooks : IWebhookProtocol
{
    /// <summary>Midtrans takes IDR only, and its older notifications carry no currency field.</summary>
    public const string DefaultCurrency = "IDR";

    public string Gateway => MidtransGateway.GatewayCode;

    public string? ReadReference(ReadOnlySpan<byte> body)
    {
        using var document = WebhookJson.TryParseObject(body);
        return document is null ? null : NonEmpty(WebhookJson.StringOf(document.RootElement, "order_id"));
    }

    public bool Verify(ReadOnlySpan<byte> body, IWebhookHeaders headers, GatewayCredentials? credentials, Instant now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (credentials is null || credentials.Gateway != Gateway || string.IsNullOrEmpty(credentials.ServerKey))
        {
            return false;
        }

        using var document = WebhookJson.TryParseObject(body);
        if (document is null)
        {
            return false;
        }

        var root = document.RootElement;
        if (WebhookJson.StringOf(root, "order_id") is not { } orderId
            || WebhookJson.StringOf(root, "status_code") is not { } statusCode
            || WebhookJson.StringOf(root, "gross_amount") is not { } grossAmount
            || WebhookJson.StringOf(root, "signature_key") is not { } signature)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Signature(orderId, statusCode, grossAmount, credentials.ServerKey));
        // Byte for byte against the lowercase hex Midtrans documents: the expected length is fixed (128), so only a
        // received signature's own length shows in the timing.
        var signed = CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(signature));
        var consistent = MidtransStatus.SignedStatusCodes(WebhookJson.StringOf(root, "transaction_status"), WebhookJson.StringOf(root, "fraud_status")) is not { } codes
            || codes.Contains(statusCode);
        return signed & consistent;
    }

    /// <summary>Lowercase hex SHA-512 of order_id + status_code + gross_amount + server key (Midtrans' "signature_key").</summary>
    internal static string Signature(string orderId, string statusCode, string grossAmount, string serverKey) =>
        Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes(orderId + statusCode + grossAmount + serverKey)));

    public WebhookParseResult Parse(ReadOnlySpan<byte> body, IWebhookHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        using var document = WebhookJson.TryParseObject(body);
        if (document is null)
        {
            return WebhookParseResult.Malformed("body is not a JSON object");
        }

        var root = document.RootElement;
        if (NonEmpty(WebhookJson.StringOf(root, "order_id")) is not { } orderId)
        {
            return WebhookParseResult.Malformed("missing order_id");
        }

        if (NonEmpty(WebhookJson.StringOf(root, "transaction_status")) is not { } status)
        {
            return WebhookParseResult.Malformed("missing transaction_status");
        }

        if (NonEmpty(WebhookJson.StringOf(root, "status_code")) is not { } statusCode)
        {
            return WebhookParseResult.Malformed("missing status_code");
        }

        if (NonEmpty(WebhookJson.StringOf(root, "transaction_id")) is not { } transactionId)
        {
            return WebhookParseResult.Malformed("missing transaction_id");
        }

        var fraud = WebhookJson.StringOf(root, "fraud_status");
        if (MidtransStatus.Translate(status, fraud) is not { } verdict)
        {
            return WebhookParseResult.Malformed(MidtransStatus.Translate(status, null) is null && MidtransStatus.Translate(status, "accept") is null
                ? $"unknown transaction_status {WebhookJson.Word(status)}"
                : $"transaction_status {WebhookJson.Word(status)} with fraud_status {WebhookJson.Word(fraud)}");
        }

        var currency = root.TryGetProperty("currency", out _) ? NonEmpty(WebhookJson.StringOf(root, "currency")) : DefaultCurrency;
        if (currency is null)
        {
            return WebhookParseResult.Malformed("currency is not a currency code");
        }

        var gross = WebhookJson.StringOf(root, "gross_amount");
        if (gross is null)
        {
            return WebhookParseResult.Malformed("missing gross_amount");
        }

        if (WebhookAmount.FromText(gross, currency, out var amount) is { } amountProblem)
        {
            return WebhookParseResult.Malformed($"gross_amount {amountProblem}");
        }

        var notification = new GatewayNotification
        {
            Kind = verdict.Kind,
            MoneyOut = verdict.MoneyOut,
            NeedsConfirmation = MidtransStatus.NeedsConfirmation(status, verdict),
            MayReverse = MidtransStatus.MayReverse(status),
            Gateway = Gateway,
            AttemptReference = orderId,
            // Only signed fields (order_id, status_code) and the status word make the key: a settlement replayed with a
            // fresh transaction_id, which the signature does not cover, is the same event (§7.4 step 2).
            DedupKey = $"{orderId}:{status}:{statusCode}",
            GatewayTransactionId = transactionId,
            GatewayStatus = status,
            Status = verdict.Report,
            CurrencyCode = currency,
            Amount = amount,
            AmountAsReceived = gross,
            PaymentMethod = NonEmpty(WebhookJson.StringOf(root, "payment_type")),
        };

        return verdict.Kind == NotificationKind.MoneyOut ? MoneyOut(root, notification) : Payment(root, notification);
    }

    /// <summary>settlement_time once settled, else transaction_time: both Asia/Jakarta local times.</summary>
    private static WebhookParseResult Payment(JsonElement root, GatewayNotification notification)
    {
        var field = root.TryGetProperty("settlement_time", out var settled) && settled.ValueKind != JsonValueKind.Null ? "settlement_time" : "transaction_time";
        if (!TryJakartaTime(root, field, out var occurredAt))
        {
            return WebhookParseResult.Malformed($"unreadable {field}");
        }

        return WebhookParseResult.Parsed(notification with { OccurredAt = occurredAt });
    }

    /// <summary>
    /// A refund or chargeback notification lists every refund and chargeback of the transaction in <c>refunds</c>
    /// (oldest first, each with a <c>refund_chargeback_id</c>) with <c>refund_amount</c> at the top being their total;
    /// the newest is the one this notification announces. The Core API's own answer shape (one entry at the top
    /// level) is read too.
    /// </summary>
    private static WebhookParseResult MoneyOut(JsonElement root, GatewayNotification notification)
    {
        if (ReadMoneyOut(root, notification.CurrencyCode, out var refunds) is { } problem)
        {
            return WebhookParseResult.Malformed(problem);
        }

        var newest = refunds[^1];
        return WebhookParseResult.Parsed(notification with
        {
            // Each entry is an event of its own: without its id, a second partial refund would carry the same
            // transaction_id, transaction_status and status_code as the first and be dropped as its duplicate.
            DedupKey = $"{notification.DedupKey}:{newest.RefundId}",
            RefundId = newest.RefundId,
            RefundAmount = newest.Amount,
            RefundReason = newest.Reason,
            OccurredAt = newest.OccurredAt,
            Refunds = refunds,
        });
    }

    /// <summary>The refunds and chargebacks a notification or a status answer lists, oldest first; a reason when there are none or one is unreadable.</summary>
    internal static string? ReadMoneyOut(JsonElement root, string currency, out List<GatewayRefund> refunds)
    {
        refunds = [];
        if (root.TryGetProperty("refunds", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                return "refunds is not a list";
            }

            foreach (var item in list.EnumerateArray())
            {
                if (ReadRefund(item, currency, out var refund) is { } problem)
                {
                    return problem;
                }

                refunds.Add(refund!);
            }
        }
        else if (root.TryGetProperty("refund_chargeback_id", out _))
        {
            if (ReadRefund(root, currency, out var refund) is { } problem)
            {
                return problem;
            }

            refunds.Add(refund!);
        }

        return refunds.Count == 0 ? "money out without refunds" : null;
    }

    private static string? ReadRefund(JsonElement item, string currency, out GatewayRefund? refund)
    {
        refund = null;
        if (item.ValueKind != JsonValueKind.Object)
        {
            return "refund is not an object";
        }

        if (!item.TryGetProperty("refund_chargeback_id", out var idValue))
        {
            return "refund without refund_chargeback_id";
        }

        // Documented as a number (1, 2, …); a string form is taken as it is.
        var id = idValue.ValueKind switch
        {
            JsonValueKind.Number when idValue.TryGetInt64(out var number) && number >= 0 => number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            JsonValueKind.String => NonEmpty(WebhookJson.StringOf(item, "refund_chargeback_id")),
            _ => null,
        };
        if (id is null || id.Length > 64)
        {
            return "unreadable refund_chargeback_id";
        }

        if (!item.TryGetProperty("refund_amount", out var amountValue))
        {
            return "refund without refund_amount";
        }

        var problem = amountValue.ValueKind == JsonValueKind.String
            ? WebhookAmount.FromText(WebhookJson.StringOf(item, "refund_amount"), currency, out var amount)
            : WebhookAmount.FromNumber(amountValue, currency, out amount, out _);
        if (problem is not null)
        {
            return $"refund_amount {problem}";
        }

        if (!TryJakartaTime(item, "created_at", out var createdAt))
        {
            return "unreadable refund created_at";
        }

        refund = new GatewayRefund(id, amount, NonEmpty(WebhookJson.StringOf(item, "reason")), createdAt);
        return null;
    }

    /// <summary>An absent or null time is fine (null); one that is there must read as "yyyy-MM-dd HH:mm:ss" in Asia/Jakarta.</summary>
    private static bool TryJakartaTime(JsonElement element, string field, out Instant? time)
    {
        time = null;
        if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        time = MidtransGateway.JakartaTime(WebhookJson.StringOf(element, field));
        return time is not null;
    }

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
