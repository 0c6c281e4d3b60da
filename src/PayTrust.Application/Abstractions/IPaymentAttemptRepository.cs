using PayTrust.Domain.Invoices;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Abstractions;

/// <summary>
/// Persistence of payment attempts (spec §7.1–7.2). Every writer of an invoice's attempts holds the invoice
/// row lock, taken through <see cref="LockInvoiceAsync"/>: that lock is what keeps its read of the attempts current.
/// </summary>
public interface IPaymentAttemptRepository
{
    /// <summary>
    /// Locks the tenant's invoice (as <see cref="IInvoiceRepository.FindForUpdateAsync"/>) and reads all its
    /// attempts, in one round trip; null when the tenant has no such invoice. The invoice is read without its
    /// line items (taking or applying a payment never needs them): its <see cref="Invoice.LineItems"/> throws.
    /// </summary>
    Task<InvoiceAttempts?> LockInvoiceAsync(Guid tenantId, Guid invoiceId, CancellationToken cancellationToken);

    /// <summary><see cref="LockInvoiceAsync(Guid, Guid, CancellationToken)"/> with the line items, for an answer that shows the invoice.</summary>
    Task<InvoiceAttempts?> LockWholeInvoiceAsync(Guid tenantId, Guid invoiceId, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="LockInvoiceAsync"/>, and in the same round trip the payment already stored for this gateway
    /// transaction (whichever invoice holds it) and the money-out entries of that transaction still waiting for their
    /// payment (ADR 32), read after the lock is taken.
    /// </summary>
    Task<(InvoiceAttempts Locked, Payment? TransactionPayment, IReadOnlyList<Refund> WaitingMoneyOut)?> LockInvoiceAsync(
        Guid tenantId, Guid invoiceId, string gateway, string gatewayTransactionId, CancellationToken cancellationToken);

    /// <summary>
    /// Locks the tenant's invoice as <see cref="LockInvoiceAsync(Guid, Guid, CancellationToken)"/> does but reads only its
    /// header, the one attempt (null if the invoice has no such attempt) and the balance of the attempt's installment — of
    /// installment 1 for an attempt on the whole invoice; null when there is no such installment — in one round trip; null
    /// when the tenant has no such invoice. For recording an opened checkout, which needs nothing else (ADR 21, ADR 31).
    /// </summary>
    Task<(InvoiceHeader Invoice, PaymentAttempt? Attempt, InstallmentBalance? Installment)?> LockHeaderAsync(
        Guid tenantId, Guid invoiceId, Guid attemptId, CancellationToken cancellationToken);

    Task InsertAsync(PaymentAttempt attempt, CancellationToken cancellationToken);

    Task UpdateAsync(PaymentAttempt attempt, CancellationToken cancellationToken);
}

/// <summary>A locked invoice with all its attempts, oldest first.</summary>
public sealed record InvoiceAttempts(Invoice Invoice, IReadOnlyList<PaymentAttempt> All)
{
    /// <summary>The creating and pending attempts.</summary>
    public IReadOnlyList<PaymentAttempt> Active { get; } =
        All.Where(attempt => attempt.Status is PaymentAttemptStatus.Creating or PaymentAttemptStatus.Pending).ToArray();

    public int LastAttemptNumber => All.Count == 0 ? 0 : All[^1].AttemptNumber;
}

/// <summary>The tenant, invoice and gateway an attempt reference belongs to.</summary>
/// <summary>Whose an attempt is, and what its gateway knows it by (asked when a notification must be confirmed at the gateway).</summary>
public sealed record AttemptOwner(Guid TenantId, Guid InvoiceId, Guid AttemptId, string Gateway)
{
    public string Reference { get; init; } = "";

    public string? GatewayReference { get; init; }

    public string CurrencyCode { get; init; } = "";
}
