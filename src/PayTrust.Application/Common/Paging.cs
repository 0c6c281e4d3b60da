using System.Data.Common;
using Dapper;
using FluentValidation;

namespace PayTrust.Application.Common;

/// <summary>Every list answers <c>{ data, pagination }</c>; pages count from 1.</summary>
public sealed record Page<T>(IReadOnlyList<T> Data, Pagination Pagination);

public sealed record Pagination(int Page, int PageSize, long TotalCount, long TotalPages)
{
    public static Pagination Of(int page, int pageSize, long totalCount) =>
        new(page, pageSize, totalCount, (totalCount + pageSize - 1) / pageSize);

    /// <summary>Rows to skip for a page (as a long: page × page_size can exceed an int).</summary>
    public static long OffsetOf(int page, int pageSize) => (long)(page - 1) * pageSize;
}

public static class PagedQueries
{
    /// <summary>
    /// Runs a list query written as two statements in one round trip — <c>SELECT COUNT(*) …;</c> then the
    /// page's rows (with <c>LIMIT @Limit OFFSET @Offset</c>) — and maps the rows into a page.
    /// </summary>
    public static async Task<Page<TView>> QueryPageAsync<TRow, TView>(
        this DbConnection connection, string sql, object parameters, int page, int pageSize, Func<TRow, TView> toView, CancellationToken cancellationToken)
    {
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        var total = await results.ReadSingleAsync<long>();
        var rows = await results.ReadAsync<TRow>();
        return new Page<TView>(rows.Select(toView).ToArray(), Pagination.Of(page, pageSize, total));
    }
}

public static class PagingRules
{
    public const int MaxPageSize = 100;

    public static void AddPagingRules<T>(this AbstractValidator<T> validator, Func<T, int> page, Func<T, int> pageSize)
    {
        validator.RuleFor(m => page(m)).GreaterThanOrEqualTo(1).OverridePropertyName("page").WithMessage("page must be 1 or more");
        validator.RuleFor(m => pageSize(m)).InclusiveBetween(1, MaxPageSize).OverridePropertyName("page_size").WithMessage($"page_size must be between 1 and {MaxPageSize}");
    }
}
