using System.Text;
using System.Text.Json;
using Dapper;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;

namespace PayTrust.Application.Features.Credentials;

/// <summary>
/// Reads and writes <c>tenant_gateway_credentials</c>: the secrets are one AES-GCM blob whose associated
/// data is "tenant:gateway", so a blob moved to another tenant's or gateway's row does not decrypt.
/// </summary>
public sealed class GatewayCredentialStore(IDbSession session, ICredentialProtector protector)
{
    private const string UpsertSql = """
        INSERT INTO tenant_gateway_credentials (tenant_id, gateway_code, mode, secrets, created_at, updated_at)
        VALUES (@TenantId, @Gateway, @Mode, @Secrets, @Now, @Now)
        ON DUPLICATE KEY UPDATE mode = VALUES(mode), secrets = VALUES(secrets), updated_at = VALUES(updated_at)
        """;

    private const string FindSql = """
        SELECT mode AS Mode, secrets AS Secrets, updated_at AS UpdatedAt
        FROM tenant_gateway_credentials WHERE tenant_id = @TenantId AND gateway_code = @Gateway
        """;

    public async Task SaveAsync(Guid tenantId, GatewayCredentials credentials, CancellationToken cancellationToken)
    {
        var secrets = JsonSerializer.SerializeToUtf8Bytes(new SecretFields(credentials.SecretKey, credentials.CallbackToken, credentials.ServerKey));
        var connection = await session.GetConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(UpsertSql, new
        {
            TenantId = tenantId,
            credentials.Gateway,
            credentials.Mode,
            Secrets = protector.Protect(secrets, AssociatedData(tenantId, credentials.Gateway)),
            Now = credentials.UpdatedAt,
        }, cancellationToken: cancellationToken));
    }

    public async Task<GatewayCredentials?> FindAsync(Guid tenantId, string gateway, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            FindSql, new { TenantId = tenantId, Gateway = gateway }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var fields = JsonSerializer.Deserialize<SecretFields>(protector.Unprotect(row.Secrets, AssociatedData(tenantId, gateway)))!;
        return new GatewayCredentials(gateway, row.Mode, fields.SecretKey, fields.CallbackToken, fields.ServerKey, row.UpdatedAt.ToInstantUtc());
    }

    /// <summary>
    /// The credentials a call to the gateway needs: none for the sandbox; for Xendit and Midtrans the tenant's,
    /// or 422 credentials_missing.
    /// </summary>
    public async Task<GatewayCredentials?> RequireForAsync(Guid tenantId, string gateway, CancellationToken cancellationToken) =>
        !GatewayCredentialRules.WithCredentials.Contains(gateway)
            ? null
            : await FindAsync(tenantId, gateway, cancellationToken) ?? throw GatewayCredentialRules.Missing(gateway);

    private static byte[] AssociatedData(Guid tenantId, string gateway) => Encoding.UTF8.GetBytes($"{tenantId}:{gateway}");

    private sealed record SecretFields(string? SecretKey, string? CallbackToken, string? ServerKey);

    private sealed record Row(string Mode, byte[] Secrets, DateTime UpdatedAt);
}

/// <summary>What a tenant sees of its credentials: the mode, and each secret as its last four characters.</summary>
public sealed record GatewayCredentialsView(string Gateway, string Mode, string? SecretKey, string? CallbackToken, string? ServerKey, Instant UpdatedAt)
{
    public static GatewayCredentialsView Redacted(GatewayCredentials credentials) => new(
        credentials.Gateway, credentials.Mode, Redact(credentials.SecretKey), Redact(credentials.CallbackToken), Redact(credentials.ServerKey), credentials.UpdatedAt);

    // Long secrets keep their last four characters so people can tell them apart; short ones show nothing.
    private static string? Redact(string? secret) =>
        secret is null ? null : secret.Length >= 16 ? "••••" + secret[^4..] : "••••";
}
