using PayTrust.Domain.Payments;

namespace PayTrust.Application.Abstractions;

/// <summary>Persistence of payment attempts (spec §7.1–7.2). Callers hold the invoice row lock when they change an invoice's attempts.</summary>
public interface IPaymentAttemptRepository
{
    /// <summary>
    /// The invoice's creating and pending attempts and the highest attempt number it has used. Only under the
    /// invoice row lock: every writer of an invoice's attempts holds it, which is what keeps this read current.
    /// </summary>
    Task<ActiveAttempts> ListActiveForInvoiceAsync(Guid tenantId, Guid invoiceId, CancellationToken cancellationToken);

    /// <summary>One attempt of the tenant, locked until the transaction ends.</summary>
    Task<PaymentAttempt?> FindForUpdateAsync(Guid tenantId, Guid attemptId, CancellationToken cancellationToken);

    /// <summary>
    /// The attempt a gateway names by our reference, whoever's it is: gateways (and the sandbox checkout page)
    /// know only the reference, and the tenant is found through it.
    /// </summary>
    Task<PaymentAttempt?> FindByReferenceAsync(string reference, CancellationToken cancellationToken);

    Task InsertAsync(PaymentAttempt attempt, CancellationToken cancellationToken);

    Task UpdateAsync(PaymentAttempt attempt, CancellationToken cancellationToken);
}

public sealed record ActiveAttempts(IReadOnlyList<PaymentAttempt> Attempts, int LastAttemptNumber);
