using NodaTime;

namespace PayTrust.Application.Common;

public static class DateTimeExtensions
{
    /// <summary>DATETIME(6) columns hold UTC but read back as Kind.Unspecified; this says so explicitly.</summary>
    public static Instant ToInstantUtc(this DateTime value) => Instant.FromDateTimeUtc(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    /// <summary>
    /// Cut to whole microseconds, the precision of DATETIME(6), so a time PayTrust returns is the same time
    /// it stored and a resource read back equals the one just written.
    /// </summary>
    public static Instant ToStoragePrecision(this Instant instant) =>
        Instant.FromUnixTimeTicks(instant.ToUnixTimeTicks() - (instant.ToUnixTimeTicks() % (NodaConstants.TicksPerMillisecond / 1000)));
}
