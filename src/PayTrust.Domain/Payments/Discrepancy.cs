using NodaTime;
using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Payments;

public enum DiscrepancyKind
{
    /// <summary>Less than the attempt asked for (the money is still applied).</summary>
    Underpayment,
    /// <summary>More than was due (the excess is the invoice's overpayment).</summary>
    Overpayment,
    /// <summary>The gateway reported another currency than the invoice's; nothing was applied.</summary>
    CurrencyMismatch,
    /// <summary>Money arrived for a cancelled or expired invoice; recorded, not applied.</summary>
    ClosedInvoice,
    /// <summary>A second settlement of an attempt already paid, under another gateway transaction id; recorded, not applied.</summary>
    DuplicateSettlement,
}

/// <summary>
/// Money that did not match what was expected (spec §7.4). <see cref="Difference"/> = received − expected,
/// signed, and only when both are in the same currency.
/// </summary>
public sealed record Discrepancy(
    Guid Id,
    Guid TenantId,
    Guid InvoiceId,
    Guid? PaymentId,
    Guid? WebhookEventId,
    DiscrepancyKind Kind,
    Money Expected,
    Money Received,
    Instant CreatedAt)
{
    public long? Difference => Expected.Currency == Received.Currency ? Received.Minor - Expected.Minor : null;
}

public static class DiscrepancyKindNames
{
    public static string Of(DiscrepancyKind kind) => kind switch
    {
        DiscrepancyKind.Underpayment => "underpayment",
        DiscrepancyKind.Overpayment => "overpayment",
        DiscrepancyKind.CurrencyMismatch => "currency_mismatch",
        DiscrepancyKind.ClosedInvoice => "closed_invoice",
        DiscrepancyKind.DuplicateSettlement => "duplicate_settlement",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
