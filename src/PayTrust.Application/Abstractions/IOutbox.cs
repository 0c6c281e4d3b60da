using NodaTime;

namespace PayTrust.Application.Abstractions;

/// <summary>
/// Events that are not an invoice's own (payment.*, refund.recorded, webhook.failed), written to the outbox in
/// the current transaction (spec §9). Invoice events go with the invoice through its repository.
/// </summary>
public interface IOutbox
{
    Task AddAsync(Guid tenantId, string type, Guid subjectId, object payload, Instant occurredAt, CancellationToken cancellationToken);
}
