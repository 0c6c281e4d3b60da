using NodaTime;
using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Invoices;

/// <summary>
/// Everything about an invoice the merchant decides, and may change while it is a draft: what is sold,
/// through which gateway (with that gateway's fee rule for the currency), how it is paid, when it
/// expires, and the free-form parts.
/// </summary>
public sealed record InvoiceTerms(
    Currency Currency,
    string Gateway,
    FeeRule FeeRule,
    IReadOnlyList<LineItem> LineItems,
    InstallmentPlan? Installments,
    Instant? RequestedExpiry,
    string? Description,
    Customer? Customer,
    string? Metadata)
{
    public const int MaxLineItems = 100;
}
