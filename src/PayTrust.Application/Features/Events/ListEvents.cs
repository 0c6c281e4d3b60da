using System.Text.Json;
using Dapper;
using FluentValidation;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;

namespace PayTrust.Application.Features.Events;

/// <summary>GET /events (spec §9): the tenant's outbox, newest first, optionally by type or subject.</summary>
public sealed record ListEvents(int Page, int PageSize, string? Type, Guid? SubjectId) : IQuery<Page<EventView>>;

public sealed record EventView(Guid Id, string Type, Guid SubjectId, JsonElement Payload, Instant OccurredAt, Instant? PublishedAt);

internal sealed class ListEventsValidator : AbstractValidator<ListEvents>
{
    public ListEventsValidator()
    {
        this.AddPagingRules(q => q.Page, q => q.PageSize);
        RuleFor(q => q.Type).MaximumLength(64);
    }
}

internal sealed class ListEventsHandler(IDbSession session, ICallerContext caller) : IQueryHandler<ListEvents, Page<EventView>>
{
    private const string Filter = """
        WHERE tenant_id = @TenantId
          AND (@Type IS NULL OR type = @Type)
          AND (@SubjectId IS NULL OR subject_id = @SubjectId)
        """;

    private const string Sql = $"""
        SELECT COUNT(*) FROM outbox_events {Filter};
        SELECT id AS Id, type AS Type, subject_id AS SubjectId, payload AS Payload, occurred_at AS OccurredAt, published_at AS PublishedAt
        FROM outbox_events {Filter}
        ORDER BY occurred_at DESC, id DESC
        LIMIT @Limit OFFSET @Offset;
        """;

    public async ValueTask<Page<EventView>> Handle(ListEvents query, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        var parameters = new
        {
            TenantId = caller.RequireTenant(),
            query.Type,
            query.SubjectId,
            Limit = query.PageSize,
            Offset = Pagination.OffsetOf(query.Page, query.PageSize),
        };
        return await connection.QueryPageAsync<EventRow, EventView>(Sql, parameters, query.Page, query.PageSize, r => new EventView(r.Id, r.Type, r.SubjectId, ParsePayload(r.Payload), r.OccurredAt.ToInstantUtc(), r.PublishedAt?.ToInstantUtc()), cancellationToken);
    }

    private static JsonElement ParsePayload(string payload)
    {
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.Clone();
    }

    private sealed record EventRow(Guid Id, string Type, Guid SubjectId, string Payload, DateTime OccurredAt, DateTime? PublishedAt);
}
