using System.Text.Json;
using Mediator;
using Microsoft.Extensions.Logging;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;
using PayTrust.Application.Behaviors;
using PayTrust.Domain.Errors;
using PayTrust.Application.Features.Payments;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Webhooks;

/// <summary>
/// Processes a stored event again (spec §7.4 step 5): a durable retry that fell due, or
/// POST /webhooks/events/{id}/replay. Its body was verified when it arrived, so only the application runs:
/// under the invoice lock, through the same path as a fresh webhook, so nothing is applied twice.
/// <paramref name="TenantId"/> limits a replay to the caller's own events (null: the administrator or the worker).
/// </summary>
public sealed record ReprocessWebhookEvent(Guid EventId, Guid? TenantId, bool IsScheduledRetry) : ICommand<WebhookEventView?>, IInnerCommand;

internal sealed class ReprocessWebhookEventHandler(
    IWebhookEventRepository events, IEnumerable<IWebhookProtocol> protocols,
    NotificationApplier applier, IPlatformSettings platform, IClock clock)
    : ICommandHandler<ReprocessWebhookEvent, WebhookEventView?>
{
    public async ValueTask<WebhookEventView?> Handle(ReprocessWebhookEvent command, CancellationToken cancellationToken)
    {
        // The worker skips an event another instance is already on; a replay waits for it.
        var record = await events.LockAsync(command.EventId, skipLocked: command.IsScheduledRetry, cancellationToken);
        if (record is null || (command.TenantId is { } tenant && record.TenantId != tenant))
        {
            return command.IsScheduledRetry ? null : throw NotFound(command.EventId);
        }

        if (record.Status is WebhookEventStatus.Processed || (command.IsScheduledRetry && record.Status != WebhookEventStatus.Retrying))
        {
            return WebhookEventView.Of(record);
        }

        if (record.Status is WebhookEventStatus.Rejected || record.TenantId is not { } tenantId || record.InvoiceId is not { } invoiceId
            || record.AttemptId is not { } attemptId)
        {
            throw new PayTrustException(ErrorKind.Conflict, "webhook_not_replayable",
                "This event was refused for good (malformed, unknown reference or a mismatch); replaying it cannot change that");
        }

        var now = clock.GetCurrentInstant().ToStoragePrecision();
        var protocol = protocols.First(candidate => candidate.Gateway == record.Gateway);
        var headers = new WebhookHeaders(JsonSerializer.Deserialize<Dictionary<string, string?>>(record.Headers) ?? []);
        var parsed = protocol.Parse(record.Payload, headers);
        // A sandbox event stored before the sandbox was switched off is not applied by a retry or a replay either.
        // A notification that needs its gateway's confirmation is applied only as confirmed on arrival (ReceiveWebhook), never
        // from its stored body again, whose unsigned words are what confirmation exists to distrust.
        var outcome = parsed.IsMalformed ? NotificationOutcome.Rejected("malformed_payload")
            : !platform.Offers(record.Gateway) ? NotificationOutcome.Rejected("sandbox_disabled")
            : parsed.Notification.NeedsConfirmation ? NotificationOutcome.Processed("confirmed_on_arrival")
            : await ApplyAsync(tenantId, invoiceId, attemptId, parsed.Notification, record.Id, now, cancellationToken);

        var attempt = record.RetryCount + 1;
        var done = record with { Status = outcome.EventStatus, Outcome = outcome.Outcome, ProcessedAt = now, NextRetryAt = null };
        await events.UpdateAsync(done, cancellationToken);
        if (record.FirstFailedAt is not null)
        {
            var rejected = outcome.EventStatus == WebhookEventStatus.Rejected;
            await events.AddRetryLogAsync(record.Id, attempt, now, rejected ? "rejected" : "succeeded", rejected ? outcome.Outcome : null, cancellationToken);
        }

        return WebhookEventView.Of(done);
    }

    private async Task<NotificationOutcome> ApplyAsync(
        Guid tenantId, Guid invoiceId, Guid attemptId, GatewayNotification notification, Guid eventId, Instant now, CancellationToken cancellationToken)
    {
        return await applier.LockAndApplyAsync(tenantId, invoiceId, attemptId, notification, PaymentSource.Webhook, eventId, now, cancellationToken)
            ?? throw new InvalidOperationException($"Webhook event {eventId} names attempt {attemptId} of invoice {invoiceId}, which does not exist.");
    }

    private static PayTrustException NotFound(Guid id) => new(ErrorKind.NotFound, "webhook_event_not_found", $"Webhook event {id} not found");
}

/// <summary>
/// A processing failure of a stored event (the worker's retry, or a replay, failed transiently): counted, logged in
/// webhook_retry_log, and the next retry scheduled — or, with none left, the event fails for good: a Critical log
/// line and a webhook.failed event for the tenant.
/// </summary>
public sealed record RecordWebhookRetryFailure(Guid EventId, string Error) : ICommand<WebhookEventView?>, IInnerCommand;

internal sealed class RecordWebhookRetryFailureHandler(
    IWebhookEventRepository events, IOutbox outbox, IClock clock, ILogger<RecordWebhookRetryFailureHandler> logger)
    : ICommandHandler<RecordWebhookRetryFailure, WebhookEventView?>
{
    public async ValueTask<WebhookEventView?> Handle(RecordWebhookRetryFailure command, CancellationToken cancellationToken)
    {
        var record = await events.LockAsync(command.EventId, skipLocked: false, cancellationToken);
        if (record is null || record.Status is WebhookEventStatus.Processed or WebhookEventStatus.Rejected)
        {
            return record is null ? null : WebhookEventView.Of(record);
        }

        var now = clock.GetCurrentInstant().ToStoragePrecision();
        var firstFailedAt = record.FirstFailedAt ?? now;
        var retries = record.RetryCount + 1;
        var next = WebhookRetrySchedule.NextAfter(firstFailedAt, retries);
        var updated = record with
        {
            RetryCount = retries,
            FirstFailedAt = firstFailedAt,
            NextRetryAt = next,
            LastError = command.Error,
            Status = next is null ? WebhookEventStatus.Failed : WebhookEventStatus.Retrying,
        };
        await events.UpdateAsync(updated, cancellationToken);
        await events.AddRetryLogAsync(record.Id, retries, now, next is null ? "gave_up" : "failed", command.Error, cancellationToken);
        if (next is null)
        {
            logger.LogCritical("Webhook event {EventId} ({Gateway} {Reference}) failed for good after {Retries} retries: {Error}",
                record.Id, record.Gateway, record.Reference, retries, command.Error);
            if (record.TenantId is { } tenantId)
            {
                await outbox.AddAsync(tenantId, PaymentEvents.WebhookFailed, record.Id,
                    new WebhookFailedPayload(record.Id, record.Gateway, record.Reference, record.InvoiceId, command.Error), now, cancellationToken);
            }
        }

        return WebhookEventView.Of(updated);
    }
}

public sealed record WebhookFailedPayload(Guid EventId, string Gateway, string? Reference, Guid? InvoiceId, string Error);
