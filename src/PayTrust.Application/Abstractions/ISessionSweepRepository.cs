using NodaTime;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Abstractions;

/// <summary>
/// The session sweep's marks on payment attempts (ADR 31): an attempt whose session may still be open at its gateway
/// although PayTrust no longer wants it paid carries the time it is next to be looked up there. Only these columns are
/// written here, never the attempt's own state, so a mark never races the invoice-locked writers of the attempt.
/// </summary>
public interface ISessionSweepRepository
{
    /// <summary>Marks the attempts to be looked up at their gateway at <paramref name="at"/>, in the caller's transaction.</summary>
    Task ScheduleAsync(IReadOnlyCollection<PaymentAttempt> attempts, Instant at, CancellationToken cancellationToken);

    /// <summary>
    /// Locks up to <paramref name="limit"/> attempts due for the sweep, skipping rows another transaction holds: marked ones
    /// whose time has come, and attempts still <c>creating</c> that were created at or before <paramref name="abandonedBefore"/>
    /// (their process died between the two transactions), on any gateway but <paramref name="excludedGateway"/>.
    /// </summary>
    Task<IReadOnlyList<SessionSweepCandidate>> LockDueAsync(
        Instant now, Instant abandonedBefore, string excludedGateway, int limit, CancellationToken cancellationToken);

    /// <summary>Records that each claimed attempt was looked at once more and when it is next due.</summary>
    Task ScheduleNextAsync(IReadOnlyList<SessionSweepCandidate> claimed, IReadOnlyList<Instant> nextChecks, CancellationToken cancellationToken);

    /// <summary>Nothing is left to do at the gateway for the attempt's session: its mark is cleared (at once when no transaction is open).</summary>
    Task FinishAsync(Guid tenantId, Guid attemptId, CancellationToken cancellationToken);
}

/// <summary>
/// An attempt whose session is to be looked up at its gateway; <see cref="SweepCount"/> is how often it was before, and
/// <see cref="ExpiresAt"/> when its session ends as PayTrust asked for it.
/// </summary>
public sealed record SessionSweepCandidate(
    Guid AttemptId, Guid TenantId, Guid InvoiceId, string Reference, string Gateway, string? GatewayReference, string CurrencyCode,
    long Amount, string Status, Instant ExpiresAt, int SweepCount);
