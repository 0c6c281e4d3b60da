using NodaTime;

namespace PayTrust.Application.Abstractions;

/// <summary>
/// The reconciliation worker's claims on pending attempts (spec §7.7). Called inside a short transaction: the
/// claimed rows stay locked (FOR UPDATE SKIP LOCKED, so another instance passes over them) until their next check
/// has been pushed out, and the commit releases them.
/// </summary>
public interface IReconciliationRepository
{
    /// <summary>
    /// Locks up to <paramref name="limit"/> pending attempts whose check is due — <c>next_reconcile_at</c> ≤
    /// <paramref name="now"/>, or never checked and created at or before <paramref name="firstCheckBefore"/> — on
    /// any gateway but <paramref name="excludedGateway"/>, skipping rows another transaction holds; oldest due first.
    /// </summary>
    Task<IReadOnlyList<ReconciliationCandidate>> LockDueAsync(
        Instant now, Instant firstCheckBefore, string excludedGateway, int limit, CancellationToken cancellationToken);

    /// <summary>Records that each claimed attempt was checked once more and when it is next due.</summary>
    Task ScheduleNextAsync(IReadOnlyList<ReconciliationCandidate> claimed, IReadOnlyList<Instant> nextChecks, CancellationToken cancellationToken);
}

/// <summary>
/// A pending attempt due for a look at its gateway; <see cref="ReconcileCount"/> is how often it was looked at before, and
/// <see cref="ExpiresAt"/> when its session ends as the gateway was asked.
/// </summary>
public sealed record ReconciliationCandidate(
    Guid AttemptId, Guid TenantId, Guid InvoiceId, string Reference, string Gateway, string? GatewayReference, string CurrencyCode,
    long Amount, int ReconcileCount, NodaTime.Instant ExpiresAt);
