using NodaTime;

namespace PayTrust.Domain.Invoices;

/// <summary>
/// What the merchant asked for (spec §5): a count, optionally the payable amounts, and either explicit
/// due dates or an interval in days (default 30).
/// </summary>
public sealed record InstallmentPlan(int Count, IReadOnlyList<long>? Amounts, int? IntervalDays, IReadOnlyList<Instant>? DueDates)
{
    public const int MinCount = 2;
    public const int MaxCount = 12;
    public const int DefaultIntervalDays = 30;
    public const int MaxIntervalDays = 366;
}
