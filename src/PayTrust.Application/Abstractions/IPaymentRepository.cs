using PayTrust.Domain.Payments;

namespace PayTrust.Application.Abstractions;

/// <summary>
/// Payments, discrepancies and refunds (spec §7.4–7.5). Writers hold the invoice row lock first, so a lookup
/// made under it (is this gateway transaction already applied? — read in the same round trip as the lock, by
/// <see cref="IPaymentAttemptRepository.LockInvoiceAsync(Guid, Guid, string, string, CancellationToken)"/>) stays
/// true until the transaction ends.
/// </summary>
public interface IPaymentRepository
{
    Task<Payment?> FindByReferenceAsync(Guid tenantId, string reference, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts the payment; false when another invoice's payment already holds its reference (the tenant's
    /// references are unique). A duplicate gateway transaction is a bug here: callers check under the lock first.
    /// </summary>
    Task<bool> InsertAsync(Payment payment, CancellationToken cancellationToken);

    Task InsertDiscrepancyAsync(Discrepancy discrepancy, CancellationToken cancellationToken);

    /// <summary>
    /// Locks the tenant's payment (SELECT … FOR UPDATE) and reads it; null when the tenant has no such payment. Applying
    /// stranded money takes this lock first, then the target invoice's: two requests for one payment queue on it.
    /// </summary>
    Task<Payment?> LockAsync(Guid tenantId, Guid paymentId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="applied"/> (from <see cref="Payment.ApplyTo"/>) over the locked <paramref name="stranded"/>
    /// row, keeping where and when the money was first recorded. The row must still be unapplied; under the lock it is.
    /// </summary>
    Task ApplyStrandedAsync(Payment stranded, Payment applied, CancellationToken cancellationToken);

    /// <summary>Whether this tenant already recorded the refund: refund ids, like transaction ids, are unique per tenant only.</summary>
    Task<bool> RefundExistsAsync(Guid tenantId, string gateway, string gatewayTransactionId, string gatewayRefundId, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts a money-out entry. With <paramref name="countOnInvoice"/> (it left an applied payment) the invoice's
    /// amount_refunded grows by its amount in the same transaction.
    /// </summary>
    Task InsertRefundAsync(Refund refund, bool countOnInvoice, CancellationToken cancellationToken);

    /// <summary>Attaches a waiting entry to its payment; with <paramref name="countOnInvoice"/> the invoice's amount_refunded grows by it.</summary>
    Task AttachMoneyOutAsync(Refund refund, Guid paymentId, bool countOnInvoice, CancellationToken cancellationToken);

    /// <summary>Σ of the money-out entries recorded against a payment, in its minor units.</summary>
    Task<long> RefundedAmountAsync(Guid paymentId, CancellationToken cancellationToken);
}
