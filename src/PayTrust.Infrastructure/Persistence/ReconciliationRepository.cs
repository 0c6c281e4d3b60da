using Dapper;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>Claims on pending attempts for the reconciliation worker (spec §7.7), in <c>payment_attempts</c>.</summary>
internal sealed class ReconciliationRepository(IDbSession session) : IReconciliationRepository
{
    // Ordered by next_reconcile_at, the order of ix_payment_attempts_reconcile (status, next_reconcile_at): the scan
    // stops after `limit` claims instead of sorting (and, under REPEATABLE READ, locking) every due row. NULLs come
    // first, so attempts never looked at go before ones already asked about. SKIP LOCKED passes over rows another
    // instance is claiming, and over attempts a webhook is changing right now (they will be due again later).
    private const string LockDueSql = """
        SELECT id AS AttemptId, tenant_id AS TenantId, invoice_id AS InvoiceId, reference AS Reference, gateway AS Gateway,
               gateway_reference AS GatewayReference, currency_code AS CurrencyCode, amount AS Amount, reconcile_count AS ReconcileCount,
               expires_at AS ExpiresAt
        FROM payment_attempts
        WHERE status = 'pending' AND gateway <> @ExcludedGateway
          AND (next_reconcile_at <= @Now OR (next_reconcile_at IS NULL AND created_at <= @FirstCheckBefore))
        ORDER BY next_reconcile_at
        LIMIT @Limit
        FOR UPDATE SKIP LOCKED
        """;

    // FORCE INDEX (PRIMARY): by id, not by a range estimate of the tenant's attempts (see InvoiceRepository.UpdateHeaderSql).
    private const string ScheduleSql = """
        UPDATE payment_attempts FORCE INDEX (PRIMARY) SET reconcile_count = reconcile_count + 1, next_reconcile_at = @Next
        WHERE id = @Id AND tenant_id = @TenantId
        """;

    public async Task<IReadOnlyList<ReconciliationCandidate>> LockDueAsync(
        Instant now, Instant firstCheckBefore, string excludedGateway, int limit, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            LockDueSql, new { Now = now, FirstCheckBefore = firstCheckBefore, ExcludedGateway = excludedGateway, Limit = limit },
            cancellationToken: cancellationToken));
        return rows.Select(row => new ReconciliationCandidate(
            row.AttemptId, row.TenantId, row.InvoiceId, row.Reference, row.Gateway, row.GatewayReference, row.CurrencyCode, row.Amount,
            row.ReconcileCount, row.ExpiresAt.ToInstantUtc())).ToArray();
    }

    public async Task ScheduleNextAsync(IReadOnlyList<ReconciliationCandidate> claimed, IReadOnlyList<Instant> nextChecks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        ArgumentNullException.ThrowIfNull(nextChecks);
        if (claimed.Count != nextChecks.Count)
        {
            throw new ArgumentException("One next check per claimed attempt.", nameof(nextChecks));
        }

        if (claimed.Count == 0)
        {
            return;
        }

        var connection = await session.GetConnectionAsync(cancellationToken);
        var parameters = claimed.Select((candidate, index) => new { Id = candidate.AttemptId, candidate.TenantId, Next = nextChecks[index] });
        await connection.ExecuteAsync(new CommandDefinition(ScheduleSql, parameters, cancellationToken: cancellationToken));
    }

    private sealed record Row(
        Guid AttemptId, Guid TenantId, Guid InvoiceId, string Reference, string Gateway, string? GatewayReference, string CurrencyCode,
        long Amount, int ReconcileCount, DateTime ExpiresAt);
}
