using Dapper;
using MySqlConnector;
using PayTrust.Application.Abstractions;

namespace PayTrust.Infrastructure.Seeding;

/// <summary>
/// Local set-up for `build.sh run`: one demo tenant and one API key whose plaintext the script generated
/// and keeps in .paytrust/. Running it again changes nothing.
/// </summary>
public sealed class DemoSeeder(MySqlDataSource dataSource, IApiKeyHasher hasher)
{
    public const string DemoTenantName = "Demo Merchant";

    private const string FindTenantSql = "SELECT id FROM tenants WHERE name = @Name ORDER BY created_at LIMIT 1";
    private const string InsertTenantSql = "INSERT INTO tenants (id, name, created_at) VALUES (@Id, @Name, UTC_TIMESTAMP(6))";
    private const string KeyExistsSql = "SELECT COUNT(*) FROM api_keys WHERE key_hash = @Hash";
    private const string InsertKeySql = """
        INSERT INTO api_keys (id, tenant_id, key_hash, key_prefix, description, created_at)
        VALUES (@Id, @TenantId, @Hash, @Prefix, 'Demo key created by build.sh run', UTC_TIMESTAMP(6))
        """;

    /// <summary>Ensures the demo tenant exists and owns <paramref name="apiKey"/>; returns the tenant id.</summary>
    public async Task<Guid> SeedAsync(string apiKey, CancellationToken cancellationToken)
    {
        if (!hasher.IsWellFormed(apiKey))
        {
            throw new ArgumentException("The demo API key must be 'ptk_' followed by 64 lowercase hex characters.", nameof(apiKey));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var tenantId = await connection.QuerySingleOrDefaultAsync<Guid?>(FindTenantSql, new { Name = DemoTenantName }, transaction);
        if (tenantId is null)
        {
            tenantId = Guid.CreateVersion7();
            await connection.ExecuteAsync(InsertTenantSql, new { Id = tenantId, Name = DemoTenantName }, transaction);
        }

        var hash = hasher.Hash(apiKey);
        if (await connection.ExecuteScalarAsync<long>(KeyExistsSql, new { Hash = hash }, transaction) == 0)
        {
            await connection.ExecuteAsync(
                InsertKeySql,
                new { Id = Guid.CreateVersion7(), TenantId = tenantId, Hash = hash, Prefix = hasher.DisplayPrefix(apiKey) },
                transaction);
        }

        await transaction.CommitAsync(cancellationToken);
        return tenantId.Value;
    }
}
