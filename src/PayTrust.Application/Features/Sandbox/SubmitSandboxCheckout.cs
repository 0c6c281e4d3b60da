using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using Mediator;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Sandbox;

/// <summary>What the customer chose on the sandbox checkout page.</summary>
public enum SandboxAction
{
    PayInFull,
    PayAmount,
    Decline,
    Expire,
}

/// <summary>
/// A button on the sandbox checkout page (spec §7.3). The sandbox behaves like a real gateway: it changes
/// nothing in PayTrust itself, it sends a signed webhook to <c>/webhooks/sandbox</c> and reports what the
/// receiver answered. Applying the payment is the webhook pipeline's job.
/// </summary>
public sealed record SubmitSandboxCheckout(string Token, SandboxAction Action, long? Amount) : IRequest<SandboxCheckoutOutcome>;

public enum SandboxCheckoutResult
{
    /// <summary>The webhook was delivered; <see cref="SandboxCheckoutOutcome.ReceiverStatus"/> is what the receiver answered.</summary>
    Sent,
    /// <summary>No sandbox attempt has this token.</summary>
    NotFound,
    /// <summary>The checkout is no longer open (paid, failed, expired).</summary>
    Closed,
    /// <summary>The receiver could not be reached.</summary>
    Undelivered,
}

public sealed record SandboxCheckoutOutcome(SandboxCheckoutResult Result, SandboxCheckoutView? Checkout = null, SandboxWebhookEvent? Event = null, int? ReceiverStatus = null);

/// <summary>
/// The sandbox webhook body. <c>id</c> is unique per event (the receiver deduplicates on it); <c>data.reference</c>
/// is PayTrust's attempt reference; amounts are minor units. Types: "payment.succeeded" (status paid),
/// "payment.failed" (declined, expired), "refund.succeeded" (refunded: <c>data.amount</c> is the refund's amount and
/// <c>data.transaction_id</c> the refunded payment's).
/// </summary>
public sealed record SandboxWebhookEvent(string Id, string Type, Instant CreatedAt, SandboxWebhookData Data)
{
    /// <summary>A refund of a sandbox payment, for tests and demos: the checkout page has no refund button.</summary>
    public static SandboxWebhookEvent RefundSucceeded(
        string reference, string transactionId, long amount, string currency, Instant now, string? refundId = null, string? reason = null) =>
        new("evt_" + Guid.NewGuid().ToString("N"), "refund.succeeded", now,
            new SandboxWebhookData(reference, transactionId, "refunded", amount, currency, null)
            {
                RefundId = refundId ?? "sbx_rfd_" + Guid.NewGuid().ToString("N"),
                Reason = reason,
            });
}

public sealed record SandboxWebhookData(
    string Reference, string TransactionId, string Status, long Amount, string Currency, string? FailureCode)
{
    // Refunds only. Left out of the JSON when null, so payment events keep exactly the shape they always had.

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RefundId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }
}

/// <summary>The sandbox webhook's JSON: snake_case, NodaTime instants in ISO form, every field written (nulls too) but the refund-only ones.</summary>
public static class SandboxWebhookJson
{
    public static JsonSerializerOptions Options { get; } = new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    }.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);

    public static byte[] Serialize(SandboxWebhookEvent webhook) => JsonSerializer.SerializeToUtf8Bytes(webhook, Options);
}

internal sealed class SubmitSandboxCheckoutValidator : AbstractValidator<SubmitSandboxCheckout>
{
    public SubmitSandboxCheckoutValidator()
    {
        RuleFor(request => request.Amount)
            .NotNull().InclusiveBetween(1, Money.MaxAmount)
            .When(request => request.Action == SandboxAction.PayAmount)
            .WithErrorCode("invalid_amount")
            .WithMessage($"amount must be a whole number of minor units from 1 to {Money.MaxAmount}");
    }
}

internal sealed class SubmitSandboxCheckoutHandler(ISender sender, ISandboxWebhookSender webhooks, IPlatformSettings platform, IClock clock)
    : IRequestHandler<SubmitSandboxCheckout, SandboxCheckoutOutcome>
{
    public async ValueTask<SandboxCheckoutOutcome> Handle(SubmitSandboxCheckout request, CancellationToken cancellationToken)
    {
        var checkout = await sender.Send(new GetSandboxCheckout(request.Token), cancellationToken);
        if (checkout is null)
        {
            return new SandboxCheckoutOutcome(SandboxCheckoutResult.NotFound);
        }

        if (!checkout.IsOpen)
        {
            return new SandboxCheckoutOutcome(SandboxCheckoutResult.Closed, checkout);
        }

        var now = clock.GetCurrentInstant();
        var webhook = EventFor(checkout, request, now);
        var body = SandboxWebhookJson.Serialize(webhook);
        var signature = SandboxWebhookSignature.Sign(platform.SandboxWebhookSecret, now, body);
        var status = await webhooks.SendAsync(platform.SandboxWebhookUrl, body, signature, cancellationToken);
        return status is { } answered
            ? new SandboxCheckoutOutcome(SandboxCheckoutResult.Sent, checkout, webhook, answered)
            : new SandboxCheckoutOutcome(SandboxCheckoutResult.Undelivered, checkout, webhook);
    }

    private static SandboxWebhookEvent EventFor(SandboxCheckoutView checkout, SubmitSandboxCheckout request, Instant now)
    {
        var (type, status, amount, failure) = request.Action switch
        {
            SandboxAction.PayInFull => ("payment.succeeded", "paid", checkout.Amount, null),
            SandboxAction.PayAmount => ("payment.succeeded", "paid", request.Amount!.Value, null),
            SandboxAction.Decline => ("payment.failed", "declined", checkout.Amount, FailureCode.Declined.Code),
            _ => ("payment.failed", "expired", checkout.Amount, (string?)FailureCode.Expired.Code),
        };
        return new SandboxWebhookEvent(
            "evt_" + Guid.NewGuid().ToString("N"), type, now,
            new SandboxWebhookData(checkout.Reference, "sbx_txn_" + Guid.NewGuid().ToString("N"), status, amount, checkout.CurrencyCode, failure));
    }
}
