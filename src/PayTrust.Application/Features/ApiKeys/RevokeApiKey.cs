using Dapper;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;

namespace PayTrust.Application.Features.ApiKeys;

/// <summary>Administration: the key stops working at once (every instance within 5 seconds).</summary>
public sealed record RevokeApiKey(Guid ApiKeyId) : ICommand<Unit>;

internal sealed class RevokeApiKeyHandler(IDbSession session, IApiKeyAuthenticator authenticator, ICallerContext caller, IClock clock)
    : ICommandHandler<RevokeApiKey, Unit>
{
    private const string RevokeSql = "UPDATE api_keys SET revoked_at = @Now WHERE id = @ApiKeyId AND revoked_at IS NULL";

    public async ValueTask<Unit> Handle(RevokeApiKey command, CancellationToken cancellationToken)
    {
        var key = await KeyRow.LockAsync(session, command.ApiKeyId, cancellationToken);
        var connection = await session.GetConnectionAsync(cancellationToken);
        var now = clock.GetCurrentInstant();
        // Revoking a revoked key is a no-op that still answers 204: the caller's intent holds.
        if (await connection.ExecuteAsync(new CommandDefinition(RevokeSql, new { command.ApiKeyId, Now = now }, cancellationToken: cancellationToken)) == 1)
        {
            await ApiKeyAudit.RecordAsync(session, caller, now, ApiKeyOperation.Revoke, command.ApiKeyId, key.TenantId, cancellationToken);
        }

        authenticator.Forget(command.ApiKeyId);
        return Unit.Value;
    }
}
