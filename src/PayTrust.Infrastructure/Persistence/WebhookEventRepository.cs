using Dapper;
using MySqlConnector;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>webhook_events and webhook_retry_log (db/migrations/0008_payments_in.sql).</summary>
internal sealed class WebhookEventRepository(DbSession session) : IWebhookEventRepository
{
    private const string Columns = """
        id AS Id, gateway AS Gateway, dedup_key AS DedupKey, tenant_id AS TenantId, invoice_id AS InvoiceId, attempt_id AS AttemptId,
        reference AS Reference, payload AS Payload, headers AS Headers, status AS Status, outcome AS Outcome, retry_count AS RetryCount,
        first_failed_at AS FirstFailedAt, next_retry_at AS NextRetryAt, last_error AS LastError, received_at AS ReceivedAt,
        processed_at AS ProcessedAt
        """;

    private const string InsertSql = """
        INSERT INTO webhook_events (id, gateway, dedup_key, tenant_id, invoice_id, attempt_id, reference, payload, payload_sha256, payload_length,
            headers, status, outcome, retry_count, first_failed_at, next_retry_at, last_error, received_at, processed_at)
        VALUES (@Id, @Gateway, @DedupKey, @TenantId, @InvoiceId, @AttemptId, @Reference, @Payload, @PayloadSha256, @PayloadLength,
            @Headers, @Status, @Outcome, @RetryCount, @FirstFailedAt, @NextRetryAt, @LastError, @ReceivedAt, @ProcessedAt)
        """;

    public async Task<WebhookDelivery> FindDeliveryAsync(string gateway, string reference, string? dedupKey, CancellationToken cancellationToken, bool bySession = false)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        // One statement: with no attempt there is no row, and a delivery for an unknown reference is refused whatever it repeats.
        var rows = (await connection.QueryAsync<DeliveryRow>(new CommandDefinition(
            $"""
            SELECT a.tenant_id AS TenantId, a.invoice_id AS InvoiceId, a.id AS AttemptId, a.gateway AS Gateway, a.reference AS Reference,
                   a.gateway_reference AS GatewayReference, a.currency_code AS CurrencyCode,
                   EXISTS (SELECT 1 FROM webhook_events e
                           WHERE e.tenant_id = a.tenant_id AND e.gateway = @Gateway AND e.dedup_key = @DedupKey) AS AlreadyStored
            FROM payment_attempts a WHERE {(bySession ? "a.gateway = @Gateway AND a.gateway_reference = @Reference LIMIT 2" : "a.reference = @Reference")}
            """,
            new { Reference = reference, Gateway = gateway, DedupKey = dedupKey }, cancellationToken: cancellationToken))).AsList();
        // A session id is the gateway's: should two attempts ever hold the same one, neither is its owner.
        return rows is not [var row]
            ? new WebhookDelivery(null, false)
            : new WebhookDelivery(
                new AttemptOwner(row.TenantId, row.InvoiceId, row.AttemptId, row.Gateway)
                {
                    Reference = row.Reference, GatewayReference = row.GatewayReference, CurrencyCode = row.CurrencyCode,
                },
                row.AlreadyStored > 0);
    }

    private sealed record DeliveryRow(
        Guid TenantId, Guid InvoiceId, Guid AttemptId, string Gateway, string Reference, string? GatewayReference, string CurrencyCode, int AlreadyStored);

    public async Task<bool> InsertAsync(WebhookEventRecord record, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        // Without a tenant (refused before verification) the unique key cannot see a repeat, NULL never being equal to
        // NULL: a plain read does. Two copies racing may both be kept, which costs a row and nothing else; the ids stay
        // time-ordered, so a flood of refusals fills the table's pages densely.
        if (record.TenantId is null && await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM webhook_events WHERE tenant_id IS NULL AND gateway = @Gateway AND dedup_key = @DedupKey)",
                new { record.Gateway, record.DedupKey }, cancellationToken: cancellationToken)))
        {
            return false;
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertSql, Parameters(record), cancellationToken: cancellationToken));
            return true;
        }
        catch (MySqlException duplicate) when (duplicate.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
        {
            return false;
        }
    }

    public async Task InsertWithCommitAsync(WebhookEventRecord record, CancellationToken cancellationToken) =>
        await session.WriteAsync(InsertSql, Parameters(record), cancellationToken, onConflict: failure =>
            failure.Message.Contains("ux_webhook_events_tenant_dedup", StringComparison.Ordinal) ? new DuplicateWebhookException() : null);

    public async Task<WebhookEventRecord?> LockAsync(Guid eventId, bool skipLocked, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<EventRow>(new CommandDefinition(
            $"SELECT {Columns} FROM webhook_events WHERE id = @Id FOR UPDATE{(skipLocked ? " SKIP LOCKED" : "")}",
            new { Id = eventId }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task UpdateAsync(WebhookEventRecord record, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE webhook_events SET status = @Status, outcome = @Outcome, retry_count = @RetryCount, first_failed_at = @FirstFailedAt,
                next_retry_at = @NextRetryAt, last_error = @LastError, processed_at = @ProcessedAt
            WHERE id = @Id
            """,
            Parameters(record), cancellationToken: cancellationToken));
    }

    public async Task AddRetryLogAsync(Guid eventId, int attemptNumber, Instant attemptedAt, string outcome, string? failure, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO webhook_retry_log (event_id, attempt_number, attempted_at, outcome, error)
            VALUES (@EventId, @AttemptNumber, @AttemptedAt, @Outcome, @Error)
            """,
            new { EventId = eventId, AttemptNumber = attemptNumber, AttemptedAt = attemptedAt.ToDateTimeUtc(), Outcome = outcome, Error = failure },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Guid>> DueForRetryAsync(Instant now, int limit, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        var due = await connection.QueryAsync<Guid>(new CommandDefinition(
            """
            SELECT id FROM webhook_events
            WHERE status = 'retrying' AND next_retry_at <= @Now
            ORDER BY next_retry_at LIMIT @Limit
            """,
            new { Now = now.ToDateTimeUtc(), Limit = limit }, cancellationToken: cancellationToken));
        return due.AsList();
    }

    public async Task<int> DeleteUnverifiedBeforeAsync(Instant before, int limit, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        // Rows without a tenant are only ever refusals before verification (never retried, so no retry log refers to them).
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM webhook_events
            WHERE tenant_id IS NULL AND status = 'rejected' AND received_at < @Before
            ORDER BY received_at LIMIT @Limit
            """,
            new { Before = before.ToDateTimeUtc(), Limit = limit }, cancellationToken: cancellationToken));
    }

    private static object Parameters(WebhookEventRecord record) => new
    {
        record.Id, record.Gateway, record.DedupKey, record.TenantId, record.InvoiceId, record.AttemptId, record.Reference, record.Payload,
        record.PayloadSha256, record.PayloadLength, record.Headers, record.Status, record.Outcome, record.RetryCount,
        FirstFailedAt = record.FirstFailedAt?.ToDateTimeUtc(), NextRetryAt = record.NextRetryAt?.ToDateTimeUtc(), record.LastError,
        ReceivedAt = record.ReceivedAt.ToDateTimeUtc(), ProcessedAt = record.ProcessedAt?.ToDateTimeUtc(),
    };

    private sealed record EventRow(
        Guid Id, string Gateway, string DedupKey, Guid? TenantId, Guid? InvoiceId, Guid? AttemptId, string? Reference, byte[] Payload, string Headers,
        string Status, string? Outcome, int RetryCount, DateTime? FirstFailedAt, DateTime? NextRetryAt, string? LastError, DateTime ReceivedAt,
        DateTime? ProcessedAt)
    {
        public WebhookEventRecord ToRecord() => new(
            Id, Gateway, DedupKey, TenantId, InvoiceId, AttemptId, Reference, Payload, Headers, Status, Outcome, RetryCount,
            FirstFailedAt?.ToInstantUtc(), NextRetryAt?.ToInstantUtc(), LastError, ReceivedAt.ToInstantUtc(), ProcessedAt?.ToInstantUtc());
    }

}
