using NodaTime;
using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Payments;

public enum DiscrepancyKind
{
    /// <summary>Less than the attempt asked for (the money is still applied).</summary>
    Underpayment,
    /// <summary>More than the invoice still owed: the difference is the excess, part of the invoice's overpayment.</summary>
    Overpayment,
    /// <summary>
    /// More than the attempt asked for, but not more than the invoice still owed: the excess is applied to what remains
    /// (on an installment plan, carried forward to the next installments, spec §5). Applied in full; no overpayment.
    /// </summary>
    CarriedForward,
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
        DiscrepancyKind.CarriedForward => "carried_forward",
        DiscrepancyKind.CurrencyMismatch => "currency_mismatch",
        DiscrepancyKind.ClosedInvoice => "closed_invoice",
        DiscrepancyKind.DuplicateSettlement => "duplicate_settlement",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
