using Dapper;
using FluentValidation;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;

namespace PayTrust.Application.Features.ApiKeys;

/// <summary>Administration: the API key audit trail, newest first, filtered and paged.</summary>
public sealed record ListApiKeyAudit(int Page, int PageSize, Instant? StartDate, Instant? EndDate, Guid? ApiKeyId, string? Operation)
    : IQuery<Page<ApiKeyAuditEntry>>;

public sealed record ApiKeyAuditEntry(long Id, Instant OccurredAt, string Operation, Guid? ApiKeyId, Guid? TenantId, string Actor, string? IpAddress, bool Success);

internal sealed class ListApiKeyAuditValidator : AbstractValidator<ListApiKeyAudit>
{
    public ListApiKeyAuditValidator()
    {
        this.AddPagingRules(q => q.Page, q => q.PageSize);
        RuleFor(q => q.Operation).Must(op => op is null || ApiKeyOperation.All.Contains(op))
            .WithMessage($"operation must be one of: {string.Join(", ", ApiKeyOperation.All)}");
        RuleFor(q => q).Must(q => q.StartDate is null || q.EndDate is null || q.EndDate > q.StartDate)
            .OverridePropertyName("end_date").WithMessage("end_date must be after start_date");
    }
}

internal sealed class ListApiKeyAuditHandler(IDbSession session) : IQueryHandler<ListApiKeyAudit, Page<ApiKeyAuditEntry>>
{
    private const string Filter = """
        WHERE (@StartDate IS NULL OR occurred_at >= @StartDate)
          AND (@EndDate IS NULL OR occurred_at < @EndDate)
          AND (@ApiKeyId IS NULL OR api_key_id = @ApiKeyId)
          AND (@Operation IS NULL OR operation = @Operation)
        """;

    private const string Sql = $"""
        SELECT COUNT(*) FROM api_key_audit_log {Filter};
        SELECT id AS Id, occurred_at AS OccurredAt, operation AS Operation, api_key_id AS ApiKeyId, tenant_id AS TenantId, actor AS Actor, ip_address AS IpAddress, success AS Success
        FROM api_key_audit_log {Filter}
        ORDER BY id DESC
        LIMIT @Limit OFFSET @Offset;
        """;

    public async ValueTask<Page<ApiKeyAuditEntry>> Handle(ListApiKeyAudit query, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        var parameters = new
        {
            query.StartDate,
            query.EndDate,
            query.ApiKeyId,
            query.Operation,
            Limit = query.PageSize,
            Offset = Pagination.OffsetOf(query.Page, query.PageSize),
        };
        return await connection.QueryPageAsync<AuditRow, ApiKeyAuditEntry>(Sql, parameters, query.Page, query.PageSize, r => new ApiKeyAuditEntry(r.Id, r.OccurredAt.ToInstantUtc(), r.Operation, r.ApiKeyId, r.TenantId, r.Actor, r.IpAddress, r.Success), cancellationToken);
    }

    private sealed record AuditRow(long Id, DateTime OccurredAt, string Operation, Guid? ApiKeyId, Guid? TenantId, string Actor, string? IpAddress, bool Success);
}
