using NodaTime;
using PayTrust.Domain.Invoices;

namespace PayTrust.Application.Abstractions;

/// <summary>
/// Persistence of the invoice aggregate. Every method is tenant-scoped where a caller names an invoice,
/// and writes the aggregate's pending events to the outbox in the same transaction as the change.
/// </summary>
public interface IInvoiceRepository
{
    /// <summary>The invoice and the ids of its supplementary invoices, or null when the tenant has no such invoice.</summary>
    Task<StoredInvoice?> FindAsync(Guid tenantId, Guid invoiceId, CancellationToken cancellationToken);

    /// <summary>As <see cref="FindAsync"/>, holding the invoice row lock (SELECT … FOR UPDATE) until the transaction ends.</summary>
    Task<StoredInvoice?> FindForUpdateAsync(Guid tenantId, Guid invoiceId, CancellationToken cancellationToken);

    /// <summary>The ids of the invoice's supplementary invoices, oldest first (empty for another tenant's invoice).</summary>
    Task<IReadOnlyList<Guid>> FindSupplementaryIdsAsync(Guid tenantId, Guid invoiceId, CancellationToken cancellationToken);

    /// <summary>Inserts a new invoice with its lines, installments and events, in one round trip.</summary>
    Task<InvoiceInsertOutcome> InsertAsync(Invoice invoice, CancellationToken cancellationToken);

    /// <summary>Writes every change of a loaded invoice and its events.</summary>
    Task UpdateAsync(Invoice invoice, CancellationToken cancellationToken);

    /// <summary>Writes what an <see cref="InvoiceHeader"/> can change (status, updated_at, payment_initiated_at) and its events.</summary>
    Task UpdateAsync(InvoiceHeader invoice, CancellationToken cancellationToken);

    /// <summary>
    /// Open invoices whose expiry has passed, locked and skipped by any other instance doing the same (FOR UPDATE SKIP
    /// LOCKED) — leaving out those with an attempt still creating or pending whose session ends after
    /// <paramref name="attemptsEndedBy"/> (now less the grace): they wait for their gateway.
    /// </summary>
    Task<IReadOnlyList<Invoice>> LockDueForExpiryAsync(Instant now, Instant attemptsEndedBy, int limit, CancellationToken cancellationToken);
}

public sealed record StoredInvoice(Invoice Invoice, IReadOnlyList<Guid> SupplementaryInvoiceIds);

public enum InvoiceInsertResult
{
    Inserted,
    /// <summary>The tenant already has an invoice with this external_id (<see cref="InvoiceInsertOutcome.ExistingInvoiceId"/>).</summary>
    ExternalIdTaken,
    /// <summary>Another invoice holds this payment reference; issue a new one and try again.</summary>
    PaymentReferenceTaken,
}

public sealed record InvoiceInsertOutcome(InvoiceInsertResult Result, Guid? ExistingInvoiceId = null)
{
    public static InvoiceInsertOutcome Inserted { get; } = new(InvoiceInsertResult.Inserted);
}
