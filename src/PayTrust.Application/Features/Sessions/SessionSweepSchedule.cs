using NodaTime;

namespace PayTrust.Application.Features.Sessions;

/// <summary>
/// When a session PayTrust no longer wants paid is looked up at its gateway again (ADR 31). A close requested right after
/// a commit is given <see cref="AfterCloseRequested"/> to succeed before the sweep looks; after each look the next one
/// waits 1, 2, 4 … minutes, never more than 6 hours. The sweep stops once the gateway has given a definite answer, or
/// <see cref="GiveUpAfter"/> past the session's own expiry if it never could.
/// </summary>
public static class SessionSweepSchedule
{
    /// <summary>Longer than a gateway call takes, so the sweep does not race the close it is the fallback for.</summary>
    public static readonly Duration AfterCloseRequested = Duration.FromMinutes(2);

    public static readonly Duration FirstInterval = Duration.FromMinutes(1);

    public static readonly Duration MaxInterval = Duration.FromHours(6);

    /// <summary>
    /// Past the session's own end nothing new can be paid on it; a day more lets a gateway that was down come back and
    /// report money paid before the end (a status query answers for as long as the gateway keeps the session).
    /// </summary>
    public static readonly Duration GiveUpAfter = Duration.FromDays(1);

    /// <summary>The wait after a look, given how many looks came before it (0 for the first).</summary>
    public static Duration IntervalAfter(int previousChecks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(previousChecks);
        // 1 min × 2^9 = 512 min already exceeds the cap, so the shift never overflows.
        return previousChecks >= 9 ? MaxInterval : Duration.Min(FirstInterval * (1L << previousChecks), MaxInterval);
    }
}
