using NodaTime;
using PayTrust.Application.Abstractions;

namespace PayTrust.Application.Features.Webhooks;

/// <summary>A stored webhook event as GET /webhooks/failed and the replay show it (never its headers' secrets: none are stored).</summary>
public sealed record WebhookEventView(
    Guid Id,
    string Gateway,
    string? Reference,
    Guid? InvoiceId,
    string Status,
    string? Outcome,
    int RetryCount,
    Instant? FirstFailedAt,
    Instant? NextRetryAt,
    string? LastError,
    Instant ReceivedAt,
    Instant? ProcessedAt)
{
    public static WebhookEventView Of(WebhookEventRecord record) => new(
        record.Id, record.Gateway, record.Reference, record.InvoiceId, record.Status, record.Outcome, record.RetryCount,
        record.FirstFailedAt, record.NextRetryAt, record.LastError, record.ReceivedAt, record.ProcessedAt);
}
