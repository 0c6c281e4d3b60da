using System.Security.Cryptography;
using System.Text.Json;
using Mediator;
using Microsoft.Extensions.Logging;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;
using PayTrust.Application.Features.Credentials;
using PayTrust.Domain.Errors;

namespace PayTrust.Application.Features.Webhooks;

/// <summary>
/// POST /webhooks/{gateway} (spec §7.4): the raw body and headers as received. Not a command: it runs its own
/// transactions — the whole happy path is one (dedup row, payment, invoice, attempt, events), and a
/// transient failure stores the event for the durable retries in a second one before answering 503.
/// <paramref name="RecordRefusals"/> false: the sender's address has used up its budget of refused webhooks (ADR 28), so a
/// refusal is answered but not recorded.
/// </summary>
public sealed record ReceiveWebhook(string Gateway, byte[] Body, IWebhookHeaders Headers, bool RecordRefusals = true) : IRequest<WebhookReceipt>;

public enum WebhookReceiptResult
{
    /// <summary>Stored and applied (or recorded as refused, e.g. a currency mismatch): 200.</summary>
    Processed,
    /// <summary>Seen before: 200 {"status":"duplicate"}, nothing changes.</summary>
    Duplicate,
}

public sealed record WebhookReceipt(WebhookReceiptResult Result, Guid? EventId = null, string? EventStatus = null, string? Outcome = null);

internal sealed class ReceiveWebhookHandler(
    IEnumerable<IWebhookProtocol> protocols, IWebhookEventRepository events,
    GatewayCredentialStore credentials, NotificationConfirmer confirmer, ISender sender, IDatabaseErrors databaseErrors, IPlatformSettings platform,
    IClock clock, ILogger<ReceiveWebhookHandler> logger)
    : IRequestHandler<ReceiveWebhook, WebhookReceipt>
{
    /// <summary>How much of a refused body is kept.</summary>
    public const int RefusedPrefixBytes = 256;

    public async ValueTask<WebhookReceipt> Handle(ReceiveWebhook request, CancellationToken cancellationToken)
    {
        // A sandbox switched off takes no webhooks: they would mark invoices paid with nobody's money.
        var protocol = protocols.FirstOrDefault(candidate => candidate.Gateway == request.Gateway && platform.Offers(candidate.Gateway))
            ?? throw new PayTrustException(ErrorKind.NotFound, "unknown_gateway", $"No webhooks are received for gateway '{request.Gateway}'");
        var now = clock.GetCurrentInstant().ToStoragePrecision();

        var reference = protocol.ReadReference(request.Body);
        var sessionReference = reference is null ? protocol.ReadSessionReference(request.Body) : null;
        reference ??= sessionReference;
        if (reference is null)
        {
            var unreadable = protocol.Parse(request.Body, request.Headers);
            await RecordRefusedAsync(request, null, null, "malformed_payload", now, cancellationToken);
            throw Malformed(unreadable.MalformedReason ?? "no reference");
        }

        // Parsed before the signature is checked only to learn its dedup key, so the owner and the "seen before"
        // check take one round trip; nothing of it is acted on until the signature verifies.
        var parsed = protocol.Parse(request.Body, request.Headers);
        var delivery = await events.FindDeliveryAsync(
            request.Gateway, reference, parsed.IsMalformed ? null : parsed.Notification.DedupKey, cancellationToken, bySession: sessionReference is not null);
        if (delivery.Owner is not { } owner || owner.Gateway != request.Gateway)
        {
            await RecordRefusedAsync(request, null, reference, "unknown_reference", now, cancellationToken);
            throw new PayTrustException(ErrorKind.NotFound, "unknown_reference", $"No {request.Gateway} payment has the reference '{reference}'");
        }

        // The sandbox signs with the platform's secret; the others with the tenant's own credentials.
        var tenantCredentials = request.Gateway == "sandbox" ? null : await credentials.FindAsync(owner.TenantId, request.Gateway, cancellationToken);
        if (!protocol.Verify(request.Body, request.Headers, tenantCredentials, now))
        {
            logger.LogWarning("Refused a {Gateway} webhook for {Reference}: the signature did not verify", request.Gateway, reference);
            // Nothing is written (§7.4 step 1): anyone can send one, so a write per forgery would be the attacker's to spend.
            throw new PayTrustException(ErrorKind.Unauthenticated, "invalid_signature", "The webhook signature is missing or does not verify");
        }

        if (parsed.IsMalformed)
        {
            await RecordRefusedAsync(request, owner, reference, "malformed_payload", now, cancellationToken);
            throw Malformed(parsed.MalformedReason);
        }

        var notification = parsed.Notification;
        // Most duplicates stop here, on that plain indexed read; racing copies are stopped by the unique key at commit.
        if (delivery.AlreadyStored)
        {
            return new WebhookReceipt(WebhookReceiptResult.Duplicate);
        }

        if (notification.NeedsConfirmation)
        {
            var confirmation = await confirmer.ConfirmAsync(owner, notification, tenantCredentials, cancellationToken);
            if (confirmation.Confirmed is null)
            {
                // Answered 200, so the gateway does not resend what its status API already denies; kept for the record.
                await RecordRefusedAsync(request, owner, reference, confirmation.RefusedOutcome!, now, cancellationToken);
                return new WebhookReceipt(WebhookReceiptResult.Processed, null, WebhookEventStatus.Rejected, confirmation.RefusedOutcome);
            }

            notification = confirmation.Confirmed;
        }

        var record = Record(request, notification.DedupKey, owner, reference, WebhookEventStatus.Received, now);
        try
        {
            var outcome = await sender.Send(new ProcessWebhook(record, owner, notification), cancellationToken);
            if (outcome.Outcome == NotificationApplier.SessionMismatch)
            {
                // Recorded (the tenant sees it among its failed webhooks); the sender learns that nothing was applied.
                logger.LogWarning("Refused a {Gateway} webhook for {Reference}: it names another session than its attempt's", request.Gateway, reference);
                throw new PayTrustException(ErrorKind.BusinessRule, NotificationApplier.SessionMismatch,
                    "The notification names another checkout session than its attempt's; nothing was applied");
            }

            return new WebhookReceipt(WebhookReceiptResult.Processed, record.Id, outcome.EventStatus, outcome.Outcome);
        }
        catch (DuplicateWebhookException)
        {
            return new WebhookReceipt(WebhookReceiptResult.Duplicate);
        }
        catch (Exception failure) when (WebhookRetrySchedule.IsTransient(failure, databaseErrors))
        {
            // A confirmed notification is not kept for PayTrust's own retries: a retry re-reads the stored body, whose
            // unsigned words are not what was confirmed. The 503 makes the gateway send it again, to be confirmed again.
            if (!notification.NeedsConfirmation && !parsed.Notification.NeedsConfirmation)
            {
                await StoreForRetryAsync(record, failure);
            }

            throw new PayTrustException(ErrorKind.Unavailable, "database_unavailable", "The payment could not be applied right now; it will be retried", failure);
        }
    }

    // Keeps the event for PayTrust's own retries (§7.4 step 5) when the database lets us; when it does not, the
    // 503 makes the gateway retry instead.
    private async Task StoreForRetryAsync(WebhookEventRecord record, Exception failure)
    {
        try
        {
            var stored = await sender.Send(new StoreWebhookForRetry(record, WebhookRetrySchedule.Describe(failure)), CancellationToken.None);
            logger.LogWarning(failure, "Webhook {EventId} ({Gateway} {Reference}) could not be applied; {Stored}", record.Id, record.Gateway, record.Reference,
                stored ? "stored for retry in 1 minute" : "already stored by another delivery");
        }
        catch (Exception storing) when (databaseErrors.Classify(storing) != DatabaseError.None || storing is PayTrustException)
        {
            logger.LogError(storing, "Webhook {EventId} ({Gateway} {Reference}) could not be stored for retry; the gateway's own retry must bring it back",
                record.Id, record.Gateway, record.Reference);
        }
    }

    /// <summary>
    /// Keeps a refused body once (keyed by its hash) for the record; never retried. Only its hash, its length, its first
    /// <see cref="RefusedPrefixBytes"/> bytes and a bounded copy of its headers are kept (spec §13): refused before anyone
    /// could verify it, it is anyone's to send; and a verified one can be varied at will in the fields Midtrans does not
    /// sign, so neither may cost the database its size. Without an owner it belongs to no tenant (the administrator sees it).
    /// </summary>
    private async Task RecordRefusedAsync(ReceiveWebhook request, AttemptOwner? owner, string? reference, string outcome, Instant now, CancellationToken cancellationToken)
    {
        if (!request.RecordRefusals)
        {
            return;
        }

        var hash = SHA256.HashData(request.Body);
        var record = Record(request, $"{outcome}:{Convert.ToHexStringLower(hash)}", owner, reference, WebhookEventStatus.Rejected, now) with
        {
            Outcome = outcome,
            ProcessedAt = now,
            Payload = request.Body.AsSpan(0, Math.Min(request.Body.Length, RefusedPrefixBytes)).ToArray(),
            PayloadSha256 = hash,
            PayloadLength = request.Body.Length,
            Headers = JsonSerializer.Serialize(BoundedHeaders(request.Headers.Storable)),
        };
        await sender.Send(new RecordRefusedWebhook(record), cancellationToken);
    }

    /// <summary>At most 16 headers, names and values cut to 64 and 256 characters: what a person needs to tell where a refused body came from.</summary>
    private static Dictionary<string, string> BoundedHeaders(IReadOnlyDictionary<string, string> headers) =>
        headers.Take(16).ToDictionary(header => Truncate(header.Key, 64)!, header => Truncate(header.Value, 256)!, StringComparer.OrdinalIgnoreCase);

    private static WebhookEventRecord Record(ReceiveWebhook request, string dedupKey, AttemptOwner? owner, string? reference, string status, Instant now) => new(
        Guid.CreateVersion7(), request.Gateway, dedupKey, owner?.TenantId, owner?.InvoiceId, owner?.AttemptId, Truncate(reference, 64),
        request.Body, JsonSerializer.Serialize(request.Headers.Storable), status, null, 0, null, null, null, now, null);

    private static string? Truncate(string? value, int length) => value is { Length: > 0 } && value.Length > length ? value[..length] : value;

    private static PayTrustException Malformed(string reason) =>
        new(ErrorKind.InvalidInput, "malformed_payload", $"The webhook body could not be read: {reason}");
}
