using NodaTime;
using PayTrust.Application.Common;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>The system clock at the database's precision (whole microseconds); see <see cref="DateTimeExtensions.ToStoragePrecision"/>.</summary>
public sealed class StorageClock(IClock inner) : IClock
{
    public Instant GetCurrentInstant() => inner.GetCurrentInstant().ToStoragePrecision();
}
