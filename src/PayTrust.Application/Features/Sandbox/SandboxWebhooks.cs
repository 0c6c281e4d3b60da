using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Sandbox;

/// <summary>
/// The receiving side of the sandbox's webhooks (spec §7.3): <c>PayTrust-Signature</c> over the raw body with the
/// platform's sandbox secret (<see cref="SandboxWebhookSignature"/>, 300 s tolerance), and the
/// <see cref="SandboxWebhookEvent"/> body. Tenants hold no sandbox credentials, so the ones passed in are ignored.
/// </summary>
internal sealed class SandboxWebhooks(IPlatformSettings platform) : IWebhookProtocol
{
    private static readonly OffsetDateTimePattern IsoTime = OffsetDateTimePattern.ExtendedIso;

    public string Gateway => SandboxCheckoutGateway.GatewayCode;

    public string? ReadReference(ReadOnlySpan<byte> body)
    {
        using var document = WebhookJson.TryParseObject(body);
        return document is not null && document.RootElement.TryGetProperty("data", out var data)
            ? NonEmpty(WebhookJson.StringOf(data, "reference"))
            : null;
    }

    public bool Verify(ReadOnlySpan<byte> body, IWebhookHeaders headers, GatewayCredentials? credentials, Instant now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        // An empty secret would make every signature forgeable; PlatformSettings never configures one, but say no anyway.
        return !string.IsNullOrEmpty(platform.SandboxWebhookSecret)
            && SandboxWebhookSignature.Verify(platform.SandboxWebhookSecret, headers.Find(SandboxWebhookSignature.HeaderName), body, now);
    }

    public WebhookParseResult Parse(ReadOnlySpan<byte> body, IWebhookHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        using var document = WebhookJson.TryParseObject(body);
        if (document is null)
        {
            return WebhookParseResult.Malformed("body is not a JSON object");
        }

        var root = document.RootElement;
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            return WebhookParseResult.Malformed("missing data");
        }

        if (NonEmpty(WebhookJson.StringOf(data, "reference")) is not { } reference)
        {
            return WebhookParseResult.Malformed("missing data.reference");
        }

        if (NonEmpty(WebhookJson.StringOf(root, "id")) is not { } id)
        {
            return WebhookParseResult.Malformed("missing id");
        }

        if (NonEmpty(WebhookJson.StringOf(root, "type")) is not { } type)
        {
            return WebhookParseResult.Malformed("missing type");
        }

        if (NonEmpty(WebhookJson.StringOf(data, "status")) is not { } status)
        {
            return WebhookParseResult.Malformed("missing data.status");
        }

        if (NonEmpty(WebhookJson.StringOf(data, "transaction_id")) is not { } transactionId)
        {
            return WebhookParseResult.Malformed("missing data.transaction_id");
        }

        if (NonEmpty(WebhookJson.StringOf(data, "currency")) is not { } currency)
        {
            return WebhookParseResult.Malformed("missing data.currency");
        }

        // Minor units already, in any currency: a whole number, never a decimal one.
        if (!data.TryGetProperty("amount", out var amountValue) || amountValue.ValueKind != JsonValueKind.Number
            || !amountValue.TryGetInt64(out var amount) || amount is < 1 or > Domain.Monetary.Money.MaxAmount)
        {
            return WebhookParseResult.Malformed("data.amount is not a positive whole number of minor units");
        }

        if (!TryCreatedAt(root, out var createdAt))
        {
            return WebhookParseResult.Malformed("unreadable created_at");
        }

        var (kind, report, problem) = Map(type, status, data);
        if (problem is not null)
        {
            return WebhookParseResult.Malformed(problem);
        }

        var notification = new GatewayNotification
        {
            Kind = kind,
            MoneyOut = kind != NotificationKind.MoneyOut ? null : type == "chargeback.succeeded" ? MoneyOutKind.Chargeback : MoneyOutKind.Refund,
            Gateway = Gateway,
            AttemptReference = reference,
            DedupKey = id,
            GatewayTransactionId = transactionId,
            GatewayStatus = status,
            Status = report!,
            CurrencyCode = currency,
            Amount = amount,
            AmountAsReceived = amountValue.GetRawText(),
            OccurredAt = createdAt,
        };
        if (kind == NotificationKind.Payment)
        {
            return WebhookParseResult.Parsed(notification);
        }

        // The refund's id defaults to the event's: stable across redeliveries of the event, as a refund id must be.
        var refund = new GatewayRefund(NonEmpty(WebhookJson.StringOf(data, "refund_id")) ?? id, amount, NonEmpty(WebhookJson.StringOf(data, "reason")), createdAt);
        return WebhookParseResult.Parsed(notification with
        {
            RefundId = refund.RefundId,
            RefundAmount = refund.Amount,
            RefundReason = refund.Reason,
            Refunds = [refund],
        });
    }

    /// <summary>The event type and data.status must agree: both are ours and signed, so a disagreement is a bug worth stopping at.</summary>
    private static (NotificationKind Kind, PaymentStatusReport? Report, string? Problem) Map(string type, string status, JsonElement data)
    {
        switch (type, status)
        {
            case ("payment.succeeded", "paid"):
                return (NotificationKind.Payment, PaymentStatusReport.Settled, null);
            case ("payment.failed", "expired"):
                return (NotificationKind.Payment, PaymentStatusReport.Rejected(FailureCode.Expired), null);
            case ("payment.failed", "declined"):
                if (!data.TryGetProperty("failure_code", out var code) || code.ValueKind == JsonValueKind.Null)
                {
                    return (NotificationKind.Payment, PaymentStatusReport.Rejected(FailureCode.Declined), null);
                }

                var text = WebhookJson.StringOf(data, "failure_code");
                return FailureCode.All.FirstOrDefault(candidate => candidate.Code == text) is { } reason
                    ? (NotificationKind.Payment, PaymentStatusReport.Rejected(reason), null)
                    : (NotificationKind.Payment, null, $"data.failure_code {WebhookJson.Word(text)} is not a failure code");
            case ("refund.succeeded", "refunded"):
            case ("chargeback.succeeded", "charged_back"):
                return (NotificationKind.MoneyOut, PaymentStatusReport.Settled, null);
            case ("payment.succeeded" or "payment.failed" or "refund.succeeded" or "chargeback.succeeded", _):
                return (NotificationKind.Payment, null, $"type {WebhookJson.Word(type)} with data.status {WebhookJson.Word(status)}");
            default:
                return (NotificationKind.Payment, null, $"unknown type {WebhookJson.Word(type)}");
        }
    }

    private static bool TryCreatedAt(JsonElement root, out Instant? createdAt)
    {
        createdAt = null;
        if (!root.TryGetProperty("created_at", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (WebhookJson.StringOf(root, "created_at") is not { } text || !IsoTime.Parse(text).TryGetValue(default, out var time))
        {
            return false;
        }

        createdAt = time.ToInstant();
        return true;
    }

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
