using System.Data;
using Dapper;
using NodaTime;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>
/// Dapper's process-wide settings: NodaTime instants as parameters (stored as UTC DATETIME(6)), and snake_case
/// columns matched to PascalCase members (tenant_id → TenantId), so hot statements need no column aliases.
/// </summary>
public static class DapperTypeHandlers
{
    private static int _registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            SqlMapper.AddTypeHandler(new InstantHandler());
            DefaultTypeMap.MatchNamesWithUnderscores = true;
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
