using System.Data;
using Dapper;
using NodaTime;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>Lets Dapper take NodaTime instants as parameters: stored as UTC DATETIME(6).</summary>
public static class DapperTypeHandlers
{
    private static int _registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            SqlMapper.AddTypeHandler(new InstantHandler());
        }
    }

    private sealed class InstantHandler : SqlMapper.TypeHandler<Instant>
    {
        public override void SetValue(IDbDataParameter parameter, Instant value)
        {
            parameter.DbType = DbType.DateTime;
            parameter.Value = value.ToDateTimeUtc();
        }

        public override Instant Parse(object value) =>
            Instant.FromDateTimeUtc(DateTime.SpecifyKind((DateTime)value, DateTimeKind.Utc));
    }
}
