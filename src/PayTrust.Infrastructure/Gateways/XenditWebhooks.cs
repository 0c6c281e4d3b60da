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

        var (report, paid) = status switch
        {
            "PAID" or "SETTLED" => (PaymentStatusReport.Settled, true),
            "PENDING" => (PaymentStatusReport.Pending, false),
            "EXPIRED" => (PaymentStatusReport.Rejected(FailureCode.Expired), false),
            _ => (null, false),
        };
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

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
