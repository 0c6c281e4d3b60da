using Dapper;
using Microsoft.Extensions.Configuration;
using MySqlConnector;
using NodaTime;
using PayTrust.Application.Abstractions;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>
/// Idempotency keys in <c>idempotency_keys</c>. Claims and releases run on their own pooled connection
/// (autocommit) so other requests see them at once; completion joins the command's transaction.
/// </summary>
internal sealed class IdempotencyStore(MySqlDataSource dataSource, DbSession session, IConfiguration configuration) : IIdempotencyStore
{
    /// <summary>How long a claim holds before a retry may take it over (the holder must have died).</summary>
    private static readonly Duration Lease = Duration.FromSeconds(60);

    private const string InsertSql = """
        INSERT INTO idempotency_keys (scope, idempotency_key, fingerprint, state, created_at, locked_until, expires_at)
        VALUES (@Scope, @Key, @Fingerprint, 'in_progress', @Now, @LockedUntil, @ExpiresAt)
        """;

    private const string ReadSql = """
        SELECT fingerprint AS Fingerprint, state AS State, response_kind AS ResponseKind, response AS Response,
               locked_until AS LockedUntil, expires_at AS ExpiresAt
        FROM idempotency_keys WHERE scope = @Scope AND idempotency_key = @Key
        """;

    // Takes over a key whose retention ran out, or a claim whose holder's lease expired (it died:
    // had it committed, the row would say 'completed').
    private const string TakeOverSql = """
        UPDATE idempotency_keys
        SET fingerprint = @Fingerprint, state = 'in_progress', response_kind = NULL, response = NULL,
            created_at = @Now, locked_until = @LockedUntil, expires_at = @ExpiresAt
        WHERE scope = @Scope AND idempotency_key = @Key
          AND (expires_at <= @Now OR (state = 'in_progress' AND locked_until <= @Now AND fingerprint = @Fingerprint))
        """;

    private const string CompleteSql = """
        UPDATE idempotency_keys SET state = 'completed', response_kind = @Kind, response = @Response
        WHERE scope = @Scope AND idempotency_key = @Key
        """;

    private const string ReleaseSql = "DELETE FROM idempotency_keys WHERE scope = @Scope AND idempotency_key = @Key AND state = 'in_progress'";

    private const string DeleteExpiredSql = "DELETE FROM idempotency_keys WHERE expires_at <= @Now LIMIT 10000";

    private Duration Retention => Duration.FromHours(configuration.GetValue("PayTrust:Idempotency:RetentionHours", 24.0));

    public async Task<IdempotencyClaim> ClaimAsync(IdempotencyRequest request, Instant now, CancellationToken cancellationToken)
    {
        var parameters = new { request.Scope, request.Key, request.Fingerprint, Now = now, LockedUntil = now + Lease, ExpiresAt = now + Retention };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertSql, parameters, cancellationToken: cancellationToken));
            return new IdempotencyClaim(ClaimOutcome.Claimed);
        }
        catch (MySqlException duplicate) when (duplicate.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
        {
            // Someone holds or held this key: decide from what they left.
        }

        if (await connection.ExecuteAsync(new CommandDefinition(TakeOverSql, parameters, cancellationToken: cancellationToken)) == 1)
        {
            return new IdempotencyClaim(ClaimOutcome.Claimed);
        }

        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(ReadSql, parameters, cancellationToken: cancellationToken));
        return row switch
        {
            // Released between our insert and our read: a retry will find it free.
            null => new IdempotencyClaim(ClaimOutcome.InUse),
            _ when !row.Fingerprint.AsSpan().SequenceEqual(request.Fingerprint) => new IdempotencyClaim(ClaimOutcome.FingerprintMismatch),
            { State: "completed" } => new IdempotencyClaim(ClaimOutcome.Completed, row.ResponseKind, row.Response),
            _ => new IdempotencyClaim(ClaimOutcome.InUse),
        };
    }

    public async Task CompleteInTransactionAsync(IdempotencyRequest request, string responseKind, string response, CancellationToken cancellationToken)
    {
        // Goes with the commit of the command it records, as one of its writes.
        await session.WriteAsync(CompleteSql, new { request.Scope, request.Key, Kind = responseKind, Response = response }, cancellationToken);
    }

    public async Task CompleteAloneAsync(IdempotencyRequest request, string responseKind, string response, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            CompleteSql, new { request.Scope, request.Key, Kind = responseKind, Response = response }, cancellationToken: cancellationToken));
    }

    public async Task ReleaseAsync(IdempotencyRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ReleaseSql, new { request.Scope, request.Key }, cancellationToken: cancellationToken));
    }

    public async Task<int> DeleteExpiredAsync(Instant now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteExpiredSql, new { Now = now }, cancellationToken: cancellationToken));
    }

    private sealed record KeyRow(byte[] Fingerprint, string State, string? ResponseKind, string? Response, DateTime LockedUntil, DateTime ExpiresAt);
}
