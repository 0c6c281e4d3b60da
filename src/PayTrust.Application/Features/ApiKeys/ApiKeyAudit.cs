using Dapper;
using NodaTime;
using PayTrust.Application.Abstractions;

namespace PayTrust.Application.Features.ApiKeys;

/// <summary>Audit operations recorded in <c>api_key_audit_log</c> (spec §6).</summary>
public static class ApiKeyOperation
{
    public const string Create = "create";
    public const string Rotate = "rotate";
    public const string Revoke = "revoke";
    public const string AuthenticationFailed = "authentication_failed";

    public static IReadOnlyList<string> All { get; } = [Create, Rotate, Revoke, AuthenticationFailed];
}

/// <summary>Writes an audit row inside the caller's transaction, so the change and its record commit together.</summary>
internal static class ApiKeyAudit
{
    private const string Sql = """
        INSERT INTO api_key_audit_log (occurred_at, operation, api_key_id, tenant_id, actor, ip_address, old_key_hash, success)
        VALUES (@OccurredAt, @Operation, @ApiKeyId, @TenantId, @Actor, @IpAddress, @OldKeyHash, 1)
        """;

    public static async Task RecordAsync(
        IDbSession session, ICallerContext caller, Instant at, string operation, Guid apiKeyId, Guid tenantId,
        CancellationToken cancellationToken, byte[]? oldKeyHash = null)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            Sql,
            new { OccurredAt = at, Operation = operation, ApiKeyId = apiKeyId, TenantId = tenantId, caller.Actor, caller.IpAddress, OldKeyHash = oldKeyHash },
            cancellationToken: cancellationToken));
    }
}
