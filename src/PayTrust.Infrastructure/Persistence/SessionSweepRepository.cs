using Dapper;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;
using PayTrust.Domain.Payments;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>The session sweep's marks and claims on <c>payment_attempts</c> (ADR 31): only its two columns are written here.</summary>
internal sealed class SessionSweepRepository(DbSession session) : ISessionSweepRepository
{
    private const string CandidateColumns = """
        id AS AttemptId, tenant_id AS TenantId, invoice_id AS InvoiceId, reference AS Reference, gateway AS Gateway,
        gateway_reference AS GatewayReference, currency_code AS CurrencyCode, amount AS Amount, status AS Status,
        expires_at AS ExpiresAt, session_sweep_count AS SweepCount
        """;

    // Two claims in one round trip. Attempts abandoned in `creating` carry no mark (their process died before it could
    // write one): they are found through ix_payment_attempts_status_created, which holds only the few attempts being
    // created at any moment, and a mark pushed into the future keeps one from being claimed again while it is handled.
    // Marked attempts come through ix_payment_attempts_session_sweep, in the order they fall due, so the scan stops after
    // `limit`. SKIP LOCKED passes over rows another instance is claiming and attempts a payment path is changing now.
    private const string LockDueSql = $"""
        SELECT {CandidateColumns} FROM payment_attempts
        WHERE status = 'creating' AND created_at <= @AbandonedBefore AND gateway <> @ExcludedGateway
          AND (session_sweep_at IS NULL OR session_sweep_at <= @Now)
        ORDER BY created_at LIMIT @Limit
        FOR UPDATE SKIP LOCKED;
        SELECT {CandidateColumns} FROM payment_attempts
        WHERE session_sweep_at <= @Now
        ORDER BY session_sweep_at LIMIT @Limit
        FOR UPDATE SKIP LOCKED;
        """;

    // FORCE INDEX (PRIMARY): by id, not by a range estimate of the tenant's attempts (see InvoiceRepository.UpdateHeaderSql).
    private const string MarkSql = """
        UPDATE payment_attempts FORCE INDEX (PRIMARY) SET session_sweep_at = @At WHERE id = @Id AND tenant_id = @TenantId
        """;

    private const string ScheduleNextSql = """
        UPDATE payment_attempts FORCE INDEX (PRIMARY) SET session_sweep_count = session_sweep_count + 1, session_sweep_at = @Next
        WHERE id = @Id AND tenant_id = @TenantId
        """;

    private const string FinishSql = """
        UPDATE payment_attempts FORCE INDEX (PRIMARY) SET session_sweep_at = NULL WHERE id = @Id AND tenant_id = @TenantId
        """;

    public async Task ScheduleAsync(IReadOnlyCollection<PaymentAttempt> attempts, Instant at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        foreach (var attempt in attempts)
        {
            await session.WriteAsync(MarkSql, new { attempt.Id, attempt.TenantId, At = at }, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<SessionSweepCandidate>> LockDueAsync(
        Instant now, Instant abandonedBefore, string excludedGateway, int limit, CancellationToken cancellationToken)
    {
        await using var results = await session.QueryMultipleAsync(
            LockDueSql, new { Now = now, AbandonedBefore = abandonedBefore, ExcludedGateway = excludedGateway, Limit = limit }, cancellationToken);
        var abandoned = await results.ReadAsync<Row>();
        var marked = await results.ReadAsync<Row>();
        // An abandoned attempt marked due comes back from both claims.
        return abandoned.Concat(marked).DistinctBy(row => row.AttemptId).Take(limit)
            .Select(row => new SessionSweepCandidate(
                row.AttemptId, row.TenantId, row.InvoiceId, row.Reference, row.Gateway, row.GatewayReference, row.CurrencyCode, row.Amount,
                row.Status, row.ExpiresAt.ToInstantUtc(), row.SweepCount))
            .ToArray();
    }

    public async Task ScheduleNextAsync(IReadOnlyList<SessionSweepCandidate> claimed, IReadOnlyList<Instant> nextChecks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        ArgumentNullException.ThrowIfNull(nextChecks);
        if (claimed.Count != nextChecks.Count)
        {
            throw new ArgumentException("One next check per claimed attempt.", nameof(nextChecks));
        }

        for (var index = 0; index < claimed.Count; index++)
        {
            await session.WriteAsync(ScheduleNextSql, new { Id = claimed[index].AttemptId, claimed[index].TenantId, Next = nextChecks[index] }, cancellationToken);
        }
    }

    public async Task FinishAsync(Guid tenantId, Guid attemptId, CancellationToken cancellationToken) =>
        await session.WriteAsync(FinishSql, new { Id = attemptId, TenantId = tenantId }, cancellationToken);

    private sealed record Row(
        Guid AttemptId, Guid TenantId, Guid InvoiceId, string Reference, string Gateway, string? GatewayReference, string CurrencyCode,
        long Amount, string Status, DateTime ExpiresAt, int SweepCount);
}
