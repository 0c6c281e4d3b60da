using Dapper;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;
using PayTrust.Domain.Errors;

namespace PayTrust.Application.Features.ApiKeys;

// Row-level pieces the key use cases share: writing a key, locking one, and the not-found error.

/// <summary>The one place a key row is written, shared by create and rotate.</summary>
internal static class ApiKeyStore
{
    private const string InsertSql = """
        INSERT INTO api_keys (id, tenant_id, replaces_key_id, key_hash, key_prefix, description, created_at)
        VALUES (@Id, @TenantId, @ReplacesKeyId, @KeyHash, @KeyPrefix, @Description, @CreatedAt)
        """;

    public static async Task<CreatedApiKey> InsertAsync(
        IDbSession session, IApiKeyHasher hasher, Guid tenantId, string description, Guid? replacesKeyId, Instant now, CancellationToken cancellationToken)
    {
        var plaintext = hasher.NewKey();
        var key = new CreatedApiKey(Guid.CreateVersion7(), tenantId, plaintext, hasher.DisplayPrefix(plaintext), now);
        var connection = await session.GetConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            InsertSql,
            new { key.Id, key.TenantId, ReplacesKeyId = replacesKeyId, KeyHash = hasher.Hash(plaintext), key.KeyPrefix, Description = description, key.CreatedAt },
            cancellationToken: cancellationToken));
        return key;
    }
}

internal sealed record KeyRow(Guid TenantId, byte[] KeyHash, string Description, DateTime? RevokedAt, DateTime? ExpiresAt)
{
    // Locking read: two rotations (or a rotation and a revocation) of one key must not interleave.
    private const string LockSql = """
        SELECT tenant_id AS TenantId, key_hash AS KeyHash, description AS Description, revoked_at AS RevokedAt, expires_at AS ExpiresAt
        FROM api_keys WHERE id = @id FOR UPDATE
        """;

    public static async Task<KeyRow> LockAsync(IDbSession session, Guid id, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(LockSql, new { id }, cancellationToken: cancellationToken))
            ?? throw ApiKeyErrors.NotFound(id);
    }

    public bool IsActiveAt(Instant now) =>
        RevokedAt is null && (ExpiresAt is not { } expires || expires.ToInstantUtc() > now);
}

internal static class ApiKeyErrors
{
    public static PayTrustException NotFound(Guid id) => new(ErrorKind.NotFound, "api_key_not_found", $"API key {id} not found");
}
