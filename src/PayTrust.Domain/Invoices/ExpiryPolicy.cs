using System.Globalization;
using NodaTime;
using NodaTime.Text;
using PayTrust.Domain.Errors;

namespace PayTrust.Domain.Invoices;

/// <summary>
/// When an invoice expires (spec §4). "Now" is always the invoice's created_at, so a rule checked again
/// later (a revision while draft) gives the same answer for the same invoice.
/// </summary>
public static class ExpiryPolicy
{
    public static readonly Duration DefaultWindow = Duration.FromHours(24);
    public static readonly Duration MinimumLead = Duration.FromHours(1);
    public static readonly Duration MaximumWindow = Duration.FromDays(30);

    public static Instant Resolve(Instant createdAt, Instant? requested, Instant? lastDueDate)
    {
        if (requested is not { } expiresAt)
        {
            return (lastDueDate ?? createdAt) + DefaultWindow;
        }

        return Problem(createdAt, expiresAt, lastDueDate) is { } problem ? throw Invalid(problem) : expiresAt;
    }

    public static bool Allows(Instant createdAt, Instant expiresAt, Instant? lastDueDate) =>
        Problem(createdAt, expiresAt, lastDueDate) is null;

    /// <returns>Why this expiry is not allowed (the spec's message), or null when it is.</returns>
    private static string? Problem(Instant createdAt, Instant expiresAt, Instant? lastDueDate)
    {
        if (expiresAt < createdAt)
        {
            return "Expiration time cannot be in the past";
        }

        if (lastDueDate is { } due)
        {
            return expiresAt < due ? $"Invoice expiration cannot occur before final installment due date {Format(due)}"
                : expiresAt > due + MaximumWindow ? $"Expiration must be within 30 days from the final installment due date {Format(due)}"
                : null;
        }

        return expiresAt < createdAt + MinimumLead ? "Expiration must be at least 1 hour from creation time"
            : expiresAt > createdAt + MaximumWindow ? "Expiration must be within 30 days from creation time"
            : null;
    }

    private static PayTrustException Invalid(string message) => new(ErrorKind.InvalidInput, "invalid_expiration", message);

    private static string Format(Instant instant) => InstantPattern.General.WithCulture(CultureInfo.InvariantCulture).Format(instant);
}
