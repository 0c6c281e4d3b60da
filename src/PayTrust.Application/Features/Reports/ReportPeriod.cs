using NodaTime;
using NodaTime.Text;
using PayTrust.Application.Common;

namespace PayTrust.Application.Features.Reports;

/// <summary>
/// The period of a report, [start, end) (spec §12). Bounds are ISO 8601: a date (<c>2026-11-01</c>, midnight
/// UTC) or a date-time with <c>Z</c> or an offset (<c>2026-11-01T00:00:00+07:00</c>, for a month in Jakarta
/// time). A date-time without an offset is refused rather than guessed: whose midnight it meant changes the numbers.
/// </summary>
public static class ReportPeriod
{
    /// <summary>The longest period one report covers (spec §12), as a duration: a leap year, whatever the offsets.</summary>
    public static readonly Duration MaxLength = Duration.FromDays(366);

    public const string Example = "2026-11-01 or 2026-11-01T00:00:00Z";

    private static readonly LocalDatePattern Date = LocalDatePattern.Iso;

    // Seconds and fractions optional, the offset required (Z, ±HH, ±HH:mm).
    private static readonly OffsetDateTimePattern[] DateTimes =
    [
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss;FFFFFFFFFo<G>"),
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mmo<G>"),
    ];

    /// <summary>The instant a bound names, cut to the microsecond the database stores; null when it is not ISO 8601.</summary>
    public static Instant? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (Date.Parse(text) is { Success: true } date)
        {
            return date.Value.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
        }

        foreach (var pattern in DateTimes)
        {
            if (pattern.Parse(text) is { Success: true } dateTime)
            {
                return dateTime.Value.ToInstant().ToStoragePrecision();
            }
        }

        return null;
    }

    public static bool IsValid(Instant start, Instant end) => end > start && end - start <= MaxLength;

    /// <summary>How an instant is written back to the client: UTC, ISO 8601, <c>Z</c>.</summary>
    public static string Format(Instant instant) => InstantPattern.ExtendedIso.Format(instant);
}
