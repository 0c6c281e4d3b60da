using PayTrust.Domain.Payments;

namespace PayTrust.Application.Abstractions;

/// <summary>
/// Persistence of payment attempts (spec §7.1–7.2). Every writer of an invoice's attempts holds the invoice
/// row lock, taken through <see cref="LockInvoiceAsync"/>: that lock is what keeps its read of the attempts current.
/// </summary>
public interface IPaymentAttemptRepository
{
    /// <summary>
    /// Locks the tenant's invoice (as <see cref="IInvoiceRepository.FindForUpdateAsync"/>) and reads its creating
    /// and pending attempts and the highest attempt number it has used, in one round trip; null when the tenant
    /// has no such invoice.
    /// </summary>
    Task<InvoiceAttempts?> LockInvoiceAsync(Guid tenantId, Guid invoiceId, CancellationToken cancellationToken);

    Task InsertAsync(PaymentAttempt attempt, CancellationToken cancellationToken);

    Task UpdateAsync(PaymentAttempt attempt, CancellationToken cancellationToken);
}

/// <summary>A locked invoice with its active (creating or pending) attempts.</summary>
public sealed record InvoiceAttempts(StoredInvoice Stored, IReadOnlyList<PaymentAttempt> Active, int LastAttemptNumber);
