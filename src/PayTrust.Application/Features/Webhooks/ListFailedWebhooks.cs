using FluentValidation;
using Mediator;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;

namespace PayTrust.Application.Features.Webhooks;

/// <summary>
/// GET /webhooks/failed (spec §7.4 step 5): events that were not applied — waiting for a retry, failed for good,
/// or refused — newest first. A tenant sees its own; the administrator sees all, including those whose
/// reference matched no tenant.
/// </summary>
public sealed record ListFailedWebhooks(int Page, int PageSize) : IQuery<Page<WebhookEventView>>;

internal sealed class ListFailedWebhooksValidator : AbstractValidator<ListFailedWebhooks>
{
    public ListFailedWebhooksValidator() => this.AddPagingRules(q => q.Page, q => q.PageSize);
}

internal sealed class ListFailedWebhooksHandler(IDbSession session, ICallerContext caller) : IQueryHandler<ListFailedWebhooks, Page<WebhookEventView>>
{
    private const string Filter = "WHERE status IN ('retrying', 'failed', 'rejected') AND (@AllTenants OR tenant_id = @TenantId)";

    private const string Sql = $"""
        SELECT COUNT(*) FROM webhook_events {Filter};
        SELECT id AS Id, gateway AS Gateway, reference AS Reference, invoice_id AS InvoiceId, status AS Status, outcome AS Outcome,
               retry_count AS RetryCount, first_failed_at AS FirstFailedAt, next_retry_at AS NextRetryAt, last_error AS LastError,
               received_at AS ReceivedAt, processed_at AS ProcessedAt
        FROM webhook_events {Filter}
        ORDER BY received_at DESC, id DESC
        LIMIT @Limit OFFSET @Offset;
        """;

    public async ValueTask<Page<WebhookEventView>> Handle(ListFailedWebhooks query, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        var parameters = new
        {
            AllTenants = caller.IsAdmin,
            caller.TenantId,
            Limit = query.PageSize,
            Offset = Pagination.OffsetOf(query.Page, query.PageSize),
        };
        return await connection.QueryPageAsync<Row, WebhookEventView>(Sql, parameters, query.Page, query.PageSize, row => new WebhookEventView(
            row.Id, row.Gateway, row.Reference, row.InvoiceId, row.Status, row.Outcome, row.RetryCount, row.FirstFailedAt?.ToInstantUtc(),
            row.NextRetryAt?.ToInstantUtc(), row.LastError, row.ReceivedAt.ToInstantUtc(), row.ProcessedAt?.ToInstantUtc()), cancellationToken);
    }

    private sealed record Row(
        Guid Id, string Gateway, string? Reference, Guid? InvoiceId, string Status, string? Outcome, int RetryCount, DateTime? FirstFailedAt,
        DateTime? NextRetryAt, string? LastError, DateTime ReceivedAt, DateTime? ProcessedAt);
}
