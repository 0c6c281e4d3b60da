using NodaTime;
using PayTrust.Domain.Errors;

namespace PayTrust.Application.Abstractions;

/// <summary>Gateway notifications as received (spec §7.4): deduplicated on (tenant, gateway, dedup key), kept for retries and audit.</summary>
public interface IWebhookEventRepository
{
    /// <summary>
    /// Plain reads (no lock), in one round trip: who the attempt <paramref name="reference"/> belongs to, and whether
    /// this gateway already delivered an event with <paramref name="dedupKey"/> (never, when there is no key).
    /// </summary>
    /// <remarks>With <paramref name="bySession"/>, <paramref name="reference"/> is the gateway's session id (gateway_reference); an id two attempts share finds no owner.</remarks>
    Task<WebhookDelivery> FindDeliveryAsync(string gateway, string reference, string? dedupKey, CancellationToken cancellationToken, bool bySession = false);

    /// <summary>Inserts the event; false when its (tenant, gateway, dedup key) is already stored (a duplicate).</summary>
    Task<bool> InsertAsync(WebhookEventRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts the event with the rest of the current transaction's writes, sent at its commit: when another delivery
    /// stored the same (tenant, gateway, dedup key) first, the commit throws <see cref="DuplicateWebhookException"/> and
    /// nothing of the transaction is kept.
    /// </summary>
    Task InsertWithCommitAsync(WebhookEventRecord record, CancellationToken cancellationToken);

    /// <summary>Locks a stored event (FOR UPDATE SKIP LOCKED when <paramref name="skipLocked"/>): null when absent or taken by another instance.</summary>
    Task<WebhookEventRecord?> LockAsync(Guid eventId, bool skipLocked, CancellationToken cancellationToken);

    /// <summary>Writes status, outcome and the retry schedule of a locked event.</summary>
    Task UpdateAsync(WebhookEventRecord record, CancellationToken cancellationToken);

    Task AddRetryLogAsync(Guid eventId, int attemptNumber, Instant attemptedAt, string outcome, string? failure, CancellationToken cancellationToken);

    /// <summary>Ids of retrying events whose next retry is due, oldest first.</summary>
    Task<IReadOnlyList<Guid>> DueForRetryAsync(Instant now, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="limit"/> bodies refused before verification (no tenant) received before <paramref name="before"/>; returns how many.</summary>
    Task<int> DeleteUnverifiedBeforeAsync(Instant before, int limit, CancellationToken cancellationToken);
}

/// <summary>Where a stored event is: see db/migrations/0008_payments_in.sql.</summary>
public static class WebhookEventStatus
{
    public const string Received = "received";
    public const string Processed = "processed";
    public const string Rejected = "rejected";
    public const string Retrying = "retrying";
    public const string Failed = "failed";
}

/// <summary>One row of webhook_events.</summary>
public sealed record WebhookEventRecord(
    Guid Id,
    string Gateway,
    string DedupKey,
    Guid? TenantId,
    Guid? InvoiceId,
    Guid? AttemptId,
    string? Reference,
    byte[] Payload,
    string Headers,
    string Status,
    string? Outcome,
    int RetryCount,
    Instant? FirstFailedAt,
    Instant? NextRetryAt,
    string? LastError,
    Instant ReceivedAt,
    Instant? ProcessedAt)
{
    /// <summary>
    /// Set, with <see cref="PayloadLength"/>, when <see cref="Payload"/> holds only the first bytes of a body refused before
    /// it could be verified (spec §13): the whole body's SHA-256. Null for a verified event, whose payload is whole.
    /// </summary>
    public byte[]? PayloadSha256 { get; init; }

    /// <summary>The whole body's length in bytes when only its first bytes are kept.</summary>
    public int? PayloadLength { get; init; }
}

/// <summary>Another delivery of this webhook event was stored first: the transaction that met it rolls back; the receiver answers 200 duplicate.</summary>
public sealed class DuplicateWebhookException()
    : PayTrustException(ErrorKind.Conflict, "duplicate_webhook", "Another delivery of this webhook event was stored first.");

/// <summary>What the receiver learns of a delivery before verifying it: the attempt's owner (null: unknown reference) and whether it is a repeat.</summary>
public sealed record WebhookDelivery(AttemptOwner? Owner, bool AlreadyStored);
