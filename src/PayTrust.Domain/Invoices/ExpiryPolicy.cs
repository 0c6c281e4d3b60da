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

        if (expiresAt < createdAt)
        {
            throw Invalid("Expiration time cannot be in the past");
        }

        if (lastDueDate is { } due)
        {
            if (expiresAt < due)
            {
                throw Invalid($"Invoice expiration cannot occur before final installment due date {Format(due)}");
            }

            if (expiresAt > due + MaximumWindow)
            {
                throw Invalid($"Expiration must be within 30 days from the final installment due date {Format(due)}");
            }

            return expiresAt;
        }

        if (expiresAt < createdAt + MinimumLead)
        {
            throw Invalid("Expiration must be at least 1 hour from creation time");
        }

        if (expiresAt > createdAt + MaximumWindow)
        {
            throw Invalid("Expiration must be within 30 days from creation time");
        }

        return expiresAt;
    }

    public static bool Allows(Instant createdAt, Instant expiresAt, Instant? lastDueDate)
    {
        try
        {
            Resolve(createdAt, expiresAt, lastDueDate);
            return true;
        }
        catch (PayTrustException)
        {
            return false;
        }
    }

    private static PayTrustException Invalid(string message) => new(ErrorKind.InvalidInput, "invalid_expiration", message);

    private static string Format(Instant instant) => InstantPattern.General.WithCulture(CultureInfo.InvariantCulture).Format(instant);
}
