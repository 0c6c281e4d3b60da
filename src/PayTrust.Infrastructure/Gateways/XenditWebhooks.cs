using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Payments;

namespace PayTrust.Infrastructure.Gateways;

/// <summary>
/// Xendit's invoice callback (spec §7.3, §7.4): verified by the <c>x-callback-token</c> header alone, which is the
/// tenant's token sent as is. It does not cover the body, so a changed body cannot be detected here — the caller
/// checks the amount and currency against the attempt (ADR 13).
/// </summary>
internal sealed class XenditWebhooks : IWebhookProtocol
{
    private static readonly OffsetDateTimePattern IsoTime = OffsetDateTimePattern.ExtendedIso;

    public string Gateway => XenditGateway.GatewayCode;

    public string? ReadReference(ReadOnlySpan<byte> body)
    {
        using var document = WebhookJson.TryParseObject(body);
        return document is null ? null : NonEmpty(WebhookJson.StringOf(document.RootElement, "external_id"));
    }

    /// <summary>A refund callback names the refunded invoice (<c>data.invoice_id</c>, the attempt's gateway_reference), not the attempt.</summary>
    public string? ReadSessionReference(ReadOnlySpan<byte> body)
    {
        using var document = WebhookJson.TryParseObject(body);
        return document is not null && RefundData(document.RootElement) is { } data ? NonEmpty(WebhookJson.StringOf(data, "invoice_id")) : null;
    }

    /// <summary>
    /// The <c>data</c> of a refund callback (<c>{"event": "refund.…", "data": {…}}</c>), or null for any other body. Xendit's
    /// refund-webhook page shows the envelope nested twice (<c>data.data</c>) where its SDK models nest it once; both are
    /// read, since what is booked comes from the Refund API anyway (ADR 32).
    /// </summary>
    private static JsonElement? RefundData(JsonElement root)
    {
        if (WebhookJson.StringOf(root, "event") is not { } type || !type.StartsWith("refund.", StringComparison.Ordinal)
            || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return WebhookJson.StringOf(data, "event") == type && data.TryGetProperty("data", out var inner) && inner.ValueKind == JsonValueKind.Object
            ? inner
            : data;
    }

    public bool Verify(ReadOnlySpan<byte> body, IWebhookHeaders headers, GatewayCredentials? credentials, Instant now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (credentials is null || credentials.Gateway != Gateway || string.IsNullOrEmpty(credentials.CallbackToken)
            || headers.Find(WebhookHeaderNames.XenditCallbackToken) is not { Length: > 0 } token)
        {
            return false;
        }

        // Compared as SHA-256 digests: equal lengths, so neither the content nor the length of the stored token leaks through timing.
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(token)),
            SHA256.HashData(Encoding.UTF8.GetBytes(credentials.CallbackToken)));
    }

    public WebhookParseResult Parse(ReadOnlySpan<byte> body, IWebhookHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        using var document = WebhookJson.TryParseObject(body);
        if (document is null)
        {
            return WebhookParseResult.Malformed("body is not a JSON object");
        }

        var invoice = document.RootElement;
        if (RefundData(invoice) is { } refundData)
        {
            return ParseRefund(WebhookJson.StringOf(invoice, "event"), refundData, headers);
        }

        if (NonEmpty(WebhookJson.StringOf(invoice, "external_id")) is not { } reference)
        {
            return WebhookParseResult.Malformed("missing external_id");
        }

        if (NonEmpty(WebhookJson.StringOf(invoice, "id")) is not { } id)
        {
            return WebhookParseResult.Malformed("missing id");
        }

        if (NonEmpty(WebhookJson.StringOf(invoice, "status")) is not { } status)
        {
            return WebhookParseResult.Malformed("missing status");
        }

        var report = XenditStatus.Invoice(status);
        var paid = report?.Status == TxSts.ACSC;
        if (report is null)
        {
            return WebhookParseResult.Malformed($"unknown status {WebhookJson.Word(status)}");
        }

        if (NonEmpty(WebhookJson.StringOf(invoice, "currency")) is not { } currency)
        {
            return WebhookParseResult.Malformed("missing currency");
        }

        // What was paid is paid_amount; Xendit leaves it out of some callbacks, and then the invoice amount is what was paid.
        var amountField = paid && invoice.TryGetProperty("paid_amount", out var paidAmount) && paidAmount.ValueKind != JsonValueKind.Null
            ? "paid_amount"
            : "amount";
        if (!invoice.TryGetProperty(amountField, out var amountValue))
        {
            return WebhookParseResult.Malformed($"missing {amountField}");
        }

        if (WebhookAmount.FromNumber(amountValue, currency, out var amount, out var asReceived) is { } amountProblem)
        {
            return WebhookParseResult.Malformed($"{amountField} {amountProblem}");
        }

        var timeField = paid && invoice.TryGetProperty("paid_at", out var paidAt) && paidAt.ValueKind != JsonValueKind.Null ? "paid_at" : "updated";
        Instant? occurredAt = null;
        if (invoice.TryGetProperty(timeField, out var timeValue) && timeValue.ValueKind != JsonValueKind.Null)
        {
            if (WebhookJson.StringOf(invoice, timeField) is not { } text || !IsoTime.Parse(text).TryGetValue(default, out var time))
            {
                return WebhookParseResult.Malformed($"unreadable {timeField}");
            }

            occurredAt = time.ToInstant();
        }

        // Xendit repeats a delivery with the same webhook-id; older accounts send none, and then the invoice and its
        // status identify the event (PAID then SETTLED are two events about one payment, which stays unique per invoice id).
        var dedupKey = NonEmpty(headers.Find(WebhookHeaderNames.XenditWebhookId)?.Trim()) ?? $"{id}:{status}";
        return WebhookParseResult.Parsed(new GatewayNotification
        {
            Kind = NotificationKind.Payment,
            Gateway = Gateway,
            AttemptReference = reference,
            DedupKey = dedupKey,
            GatewayTransactionId = id,
            SessionId = id,
            GatewayStatus = status,
            Status = report,
            CurrencyCode = currency,
            Amount = amount,
            AmountAsReceived = asReceived,
            OccurredAt = occurredAt,
            PaymentMethod = NonEmpty(WebhookJson.StringOf(invoice, "payment_method")),
        });
    }

    /// <summary>
    /// A refund callback: money out of the refunded invoice's payment, whose id is the invoice id. Xendit's token covers
    /// no body, so what it says is confirmed with GET /refunds/{id} before anything is booked (ADR 32).
    /// </summary>
    private static WebhookParseResult ParseRefund(string? eventType, JsonElement data, IWebhookHeaders headers)
    {
        if (NonEmpty(WebhookJson.StringOf(data, "id")) is not { } refundId || refundId.Length > 64)
        {
            return WebhookParseResult.Malformed("refund without a readable data.id");
        }

        if (NonEmpty(WebhookJson.StringOf(data, "invoice_id")) is not { } invoiceId)
        {
            return WebhookParseResult.Malformed("refund without data.invoice_id");
        }

        var status = WebhookJson.StringOf(data, "status");
        if (XenditStatus.Refund(status) is not { } report || !XenditStatus.RefundEventAgrees(eventType, status))
        {
            return WebhookParseResult.Malformed($"event {WebhookJson.Word(eventType)} with data.status {WebhookJson.Word(status)}");
        }

        if (NonEmpty(WebhookJson.StringOf(data, "currency")) is not { } currency)
        {
            return WebhookParseResult.Malformed("refund without data.currency");
        }

        if (!data.TryGetProperty("amount", out var amountValue) || WebhookAmount.FromNumber(amountValue, currency, out var amount, out var asReceived) is { } problem)
        {
            return WebhookParseResult.Malformed($"data.amount {(amountValue.ValueKind == JsonValueKind.Undefined ? "missing" : "unreadable")}");
        }

        Instant? occurredAt = null;
        var timeField = data.TryGetProperty("updated", out var updated) && updated.ValueKind != JsonValueKind.Null ? "updated" : "created";
        if (data.TryGetProperty(timeField, out var timeValue) && timeValue.ValueKind != JsonValueKind.Null)
        {
            if (WebhookJson.StringOf(data, timeField) is not { } text || !IsoTime.Parse(text).TryGetValue(default, out var time))
            {
                return WebhookParseResult.Malformed($"unreadable data.{timeField}");
            }

            occurredAt = time.ToInstant();
        }

        var refund = new GatewayRefund(refundId, amount, NonEmpty(WebhookJson.StringOf(data, "reason")), occurredAt);
        return WebhookParseResult.Parsed(new GatewayNotification
        {
            Kind = NotificationKind.MoneyOut,
            MoneyOut = MoneyOutKind.Refund,
            NeedsConfirmation = true,
            Gateway = XenditGateway.GatewayCode,
            AttemptReference = invoiceId,
            DedupKey = NonEmpty(headers.Find(WebhookHeaderNames.XenditWebhookId)?.Trim()) ?? $"refund:{refundId}:{status}",
            // The refunded payment is the invoice's: payments of Xendit invoices are identified by the invoice id.
            GatewayTransactionId = invoiceId,
            SessionId = invoiceId,
            GatewayStatus = status!,
            Status = report,
            CurrencyCode = currency,
            Amount = amount,
            AmountAsReceived = asReceived,
            OccurredAt = occurredAt,
            RefundId = refundId,
            RefundAmount = amount,
            RefundReason = refund.Reason,
            Refunds = [refund],
        });
    }

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
