using System.Collections.Concurrent;
using Dapper;
using MySqlConnector;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;
using PayTrust.Application.Features.ApiKeys;

namespace PayTrust.Infrastructure.Security;

/// <summary>
/// Resolves a presented key to its tenant. Known keys are cached for <see cref="CacheLifetime"/> per
/// instance, so a revocation or rotation made on another instance takes effect here within 5 seconds;
/// expiry (rotation grace) is checked against the clock on every request, not cached.
/// </summary>
internal sealed class ApiKeyAuthenticator(MySqlDataSource dataSource, IApiKeyHasher hasher, IClock clock) : IApiKeyAuthenticator
{
    public static readonly Duration CacheLifetime = Duration.FromSeconds(4);
    private static readonly Duration LastUsedResolution = Duration.FromMinutes(1);
    private const int MaxCachedKeys = 100_000;

    private const string LookupSql = "SELECT id AS Id, tenant_id AS TenantId, revoked_at AS RevokedAt, expires_at AS ExpiresAt FROM api_keys WHERE key_hash = @Hash";
    private const string TouchSql = "UPDATE api_keys SET last_used_at = @Now WHERE id = @Id AND (last_used_at IS NULL OR last_used_at < @Threshold)";
    private const string AuditSql = """
        INSERT INTO api_key_audit_log (occurred_at, operation, api_key_id, tenant_id, actor, ip_address, success, detail)
        VALUES (@Now, @Operation, @Id, @TenantId, @Actor, @IpAddress, 0, @Detail)
        """;

    private readonly ConcurrentDictionary<string, CachedKey> _byHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, Instant> _lastTouched = new();

    public async ValueTask<ApiKeyCheck> AuthenticateAsync(string presentedKey, string? ipAddress, CancellationToken cancellationToken)
    {
        if (!hasher.IsWellFormed(presentedKey))
        {
            return new ApiKeyCheck(ApiKeyOutcome.Malformed);
        }

        var now = clock.GetCurrentInstant();
        var hash = hasher.Hash(presentedKey);
        var cacheKey = Convert.ToBase64String(hash);
        if (!_byHash.TryGetValue(cacheKey, out var key) || key.FetchedAt + CacheLifetime < now)
        {
            key = await LoadAsync(hash, now, cancellationToken);
            if (key is null)
            {
                return new ApiKeyCheck(ApiKeyOutcome.Unknown);
            }

            if (_byHash.Count >= MaxCachedKeys)
            {
                _byHash.Clear();
            }

            _byHash[cacheKey] = key;
        }

        if (!key.IsActiveAt(now))
        {
            await AuditInactiveAsync(key, ipAddress, now, cancellationToken);
            return new ApiKeyCheck(ApiKeyOutcome.Inactive, key.TenantId, key.Id);
        }

        await TouchAsync(key.Id, now, cancellationToken);
        return new ApiKeyCheck(ApiKeyOutcome.Valid, key.TenantId, key.Id);
    }

    public void Forget(Guid apiKeyId)
    {
        foreach (var entry in _byHash)
        {
            if (entry.Value.Id == apiKeyId)
            {
                _byHash.TryRemove(entry.Key, out _);
            }
        }
    }

    private async Task<CachedKey?> LoadAsync(byte[] hash, Instant now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(LookupSql, new { Hash = hash }, cancellationToken: cancellationToken));
        return row is null ? null : new CachedKey(row.Id, row.TenantId, row.RevokedAt?.ToInstantUtc(), row.ExpiresAt?.ToInstantUtc(), now);
    }

    // last_used_at is kept to the minute: at most one UPDATE per key per minute per instance.
    private async Task TouchAsync(Guid id, Instant now, CancellationToken cancellationToken)
    {
        if (_lastTouched.TryGetValue(id, out var touched) && touched + LastUsedResolution > now)
        {
            return;
        }

        _lastTouched[id] = now;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(TouchSql, new { Id = id, Now = now, Threshold = now - LastUsedResolution }, cancellationToken: cancellationToken));
    }

    private async Task AuditInactiveAsync(CachedKey key, string? ipAddress, Instant now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(AuditSql, new
        {
            Now = now,
            Operation = ApiKeyOperation.AuthenticationFailed,
            key.Id,
            key.TenantId,
            Actor = key.Id.ToString(),
            IpAddress = ipAddress,
            Detail = key.RevokedAt is not null ? "revoked" : "expired",
        }, cancellationToken: cancellationToken));
    }

    private sealed record KeyRow(Guid Id, Guid TenantId, DateTime? RevokedAt, DateTime? ExpiresAt);

    private sealed record CachedKey(Guid Id, Guid TenantId, Instant? RevokedAt, Instant? ExpiresAt, Instant FetchedAt)
    {
        public bool IsActiveAt(Instant now) => RevokedAt is null && (ExpiresAt is not { } expires || expires > now);
    }
}
