using NodaTime;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Payments;

/// <summary>The attempt resource (spec §7.1).</summary>
public sealed record PaymentAttemptView(
    Guid Id,
    Guid InvoiceId,
    int? InstallmentNumber,
    long Amount,
    string CurrencyCode,
    string Gateway,
    string Rail,
    string Reference,
    string? GatewayReference,
    string? CheckoutUrl,
    string Status,
    string? FailureCode,
    Instant ExpiresAt,
    Instant CreatedAt)
{
    public static PaymentAttemptView Of(PaymentAttempt attempt) => new(
        attempt.Id, attempt.InvoiceId, attempt.InstallmentNumber, attempt.Amount.Minor, attempt.Amount.Currency.Code, attempt.Gateway,
        attempt.Rail, attempt.Reference, attempt.GatewayReference, attempt.CheckoutUrl, PaymentAttemptStatusNames.Of(attempt.Status),
        attempt.FailureCode?.Code, attempt.ExpiresAt, attempt.CreatedAt);
}

/// <summary>An attempt and whether this request created it (201) or found it open and reused it (200).</summary>
public sealed record PaymentAttemptResult(PaymentAttemptView Attempt, bool Created);
