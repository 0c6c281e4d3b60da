using System.Text.Json;
using Dapper;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using PayTrust.Application.Abstractions;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>Writes non-invoice events to outbox_events in the session's transaction (spec §9), queued until its commit.</summary>
internal sealed class Outbox(DbSession session) : IOutbox
{
    private static readonly JsonSerializerOptions PayloadJson =
        new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);

    public async Task AddAsync(Guid tenantId, string type, Guid subjectId, object payload, Instant occurredAt, CancellationToken cancellationToken)
    {
        await session.WriteAsync(
            """
            INSERT INTO outbox_events (id, tenant_id, type, subject_id, payload, occurred_at)
            VALUES (@Id, @TenantId, @Type, @SubjectId, @Payload, @OccurredAt)
            """,
            new
            {
                Id = Guid.CreateVersion7(),
                TenantId = tenantId,
                Type = type,
                SubjectId = subjectId,
                Payload = JsonSerializer.Serialize(payload, payload.GetType(), PayloadJson),
                OccurredAt = occurredAt.ToDateTimeUtc(),
            },
            cancellationToken);
    }
}
