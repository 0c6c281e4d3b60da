using NodaTime;

namespace PayTrust.Application.Common;

public static class DateTimeExtensions
{
    /// <summary>DATETIME(6) columns hold UTC but read back as Kind.Unspecified; this says so explicitly.</summary>
    public static Instant ToInstantUtc(this DateTime value) => Instant.FromDateTimeUtc(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
