using NodaTime;

namespace PayTrust.Application.Features.Reconciliation;

/// <summary>
/// How often a pending attempt is asked about at its gateway (spec §7.7): first once it has been pending for
/// PayTrust:Reconciliation:PendingAfterMinutes (default 5), then after 5, 10, 20, 40 … minutes, never more than
/// 6 hours apart. Most payments arrive by webhook within minutes; an attempt the customer walked away from
/// should cost a handful of gateway calls a day, not one a minute.
/// </summary>
public static class ReconciliationSchedule
{
    public static readonly Duration DefaultPendingAfter = Duration.FromMinutes(5);

    public static readonly Duration FirstInterval = Duration.FromMinutes(5);

    public static readonly Duration MaxInterval = Duration.FromHours(6);

    /// <summary>The wait after a check, given how many checks came before it (0 for the first).</summary>
    public static Duration IntervalAfter(int previousChecks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(previousChecks);
        // 5 min × 2^7 = 640 min already exceeds the cap, so the shift never overflows.
        return previousChecks >= 7 ? MaxInterval : Duration.Min(FirstInterval * (1L << previousChecks), MaxInterval);
    }
}
