using FluentValidation;

namespace PayTrust.Application.Common;

/// <summary>Every list answers <c>{ data, pagination }</c>; pages count from 1.</summary>
public sealed record Page<T>(IReadOnlyList<T> Data, Pagination Pagination);

public sealed record Pagination(int Page, int PageSize, long TotalCount, long TotalPages)
{
    public static Pagination Of(int page, int pageSize, long totalCount) =>
        new(page, pageSize, totalCount, (totalCount + pageSize - 1) / pageSize);
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
