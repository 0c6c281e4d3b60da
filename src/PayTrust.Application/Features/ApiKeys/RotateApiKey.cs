using Dapper;
using FluentValidation;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Errors;

namespace PayTrust.Application.Features.ApiKeys;

/// <summary>
/// Administration: replace a key with a new one. The old key keeps working for <see cref="GraceSeconds"/>
/// (0 = stops at once), so a merchant can roll the new key out without downtime.
/// </summary>
public sealed record RotateApiKey(Guid ApiKeyId, int GraceSeconds) : ICommand<RotatedApiKey>, IShowsSecretOnce;

public sealed record RotatedApiKey(Guid Id, Guid TenantId, string ApiKey, string KeyPrefix, Instant CreatedAt, Guid PreviousKeyId, Instant PreviousKeyExpiresAt);

internal sealed class RotateApiKeyValidator : AbstractValidator<RotateApiKey>
{
    public const int MaxGraceSeconds = 86_400;

    public RotateApiKeyValidator() =>
        RuleFor(c => c.GraceSeconds).InclusiveBetween(0, MaxGraceSeconds).WithMessage("grace_seconds must be between 0 and 86400");
}

internal sealed class RotateApiKeyHandler(IDbSession session, IApiKeyHasher hasher, IApiKeyAuthenticator authenticator, ICallerContext caller, IClock clock)
    : ICommandHandler<RotateApiKey, RotatedApiKey>
{
    private const string ExpireSql = "UPDATE api_keys SET expires_at = @ExpiresAt WHERE id = @ApiKeyId";

    public async ValueTask<RotatedApiKey> Handle(RotateApiKey command, CancellationToken cancellationToken)
    {
        var old = await KeyRow.LockAsync(session, command.ApiKeyId, cancellationToken);
        var connection = await session.GetConnectionAsync(cancellationToken);
        var now = clock.GetCurrentInstant();
        if (!old.IsActiveAt(now))
        {
            throw new PayTrustException(ErrorKind.Conflict, "api_key_inactive", $"API key {command.ApiKeyId} is revoked or already rotated out");
        }

        var expiresAt = now + Duration.FromSeconds(command.GraceSeconds);
        await connection.ExecuteAsync(new CommandDefinition(ExpireSql, new { command.ApiKeyId, ExpiresAt = expiresAt }, cancellationToken: cancellationToken));
        var created = await ApiKeyStore.InsertAsync(session, hasher, old.TenantId, old.Description, command.ApiKeyId, now, cancellationToken);
        await ApiKeyAudit.RecordAsync(session, caller, now, ApiKeyOperation.Rotate, command.ApiKeyId, old.TenantId, cancellationToken, old.KeyHash);
        authenticator.Forget(command.ApiKeyId);
        return new RotatedApiKey(created.Id, created.TenantId, created.ApiKey, created.KeyPrefix, created.CreatedAt, command.ApiKeyId, expiresAt);
    }
}
