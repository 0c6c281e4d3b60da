using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Errors;

namespace PayTrust.Application.Features.Webhooks;

/// <summary>
/// PayTrust's own retries of a webhook whose processing failed transiently (spec §7.4 step 5): 1, 6 and 36
/// minutes after the first failure. The third retry's failure is final (ADR 14: "after the third failure"
/// counts the retries, or the 36-minute one would never run).
/// </summary>
public static class WebhookRetrySchedule
{
    public static IReadOnlyList<Duration> Delays { get; } = [Duration.FromMinutes(1), Duration.FromMinutes(6), Duration.FromMinutes(36)];

    /// <summary>When retry number <paramref name="retriesDone"/> + 1 is due, or null when none is left.</summary>
    public static Instant? NextAfter(Instant firstFailedAt, int retriesDone) =>
        retriesDone < Delays.Count ? firstFailedAt + Delays[retriesDone] : null;

    /// <summary>
    /// Whether processing failed for a reason that a later try may not meet: the database unreachable, or lock
    /// conflicts that outlasted the transaction behaviour's own retries. Anything else is a bug or a refusal.
    /// </summary>
    public static bool IsTransient(Exception failure, IDatabaseErrors databaseErrors) =>
        databaseErrors.Classify(failure) != DatabaseError.None
        || failure is PayTrustException { Code: "concurrent_modification" or "database_unavailable" };

    /// <summary>A short, safe description of a failure for the event row and the retry log: never SQL or a stack trace.</summary>
    public static string Describe(Exception failure) => failure switch
    {
        PayTrustException known => known.Code,
        _ => failure.GetType().Name,
    };
}
