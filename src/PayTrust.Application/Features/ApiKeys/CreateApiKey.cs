using Dapper;
using FluentValidation;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Errors;

namespace PayTrust.Application.Features.ApiKeys;

/// <summary>Administration: a new API key for a tenant. The plaintext is in this response and nowhere else.</summary>
public sealed record CreateApiKey(Guid TenantId, string? Description) : ICommand<CreatedApiKey>, IShowsSecretOnce;

public sealed record CreatedApiKey(Guid Id, Guid TenantId, string ApiKey, string KeyPrefix, Instant CreatedAt);

internal sealed class CreateApiKeyValidator : AbstractValidator<CreateApiKey>
{
    public CreateApiKeyValidator()
    {
        RuleFor(c => c.TenantId).NotEmpty();
        RuleFor(c => c.Description).MaximumLength(255);
    }
}

internal sealed class CreateApiKeyHandler(IDbSession session, IApiKeyHasher hasher, ICallerContext caller, IClock clock)
    : ICommandHandler<CreateApiKey, CreatedApiKey>
{
    private const string TenantExistsSql = "SELECT COUNT(*) FROM tenants WHERE id = @TenantId";

    public async ValueTask<CreatedApiKey> Handle(CreateApiKey command, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(TenantExistsSql, command, cancellationToken: cancellationToken)) == 0)
        {
            throw new PayTrustException(ErrorKind.NotFound, "tenant_not_found", $"Tenant {command.TenantId} not found");
        }

        var now = clock.GetCurrentInstant();
        var key = await ApiKeyStore.InsertAsync(session, hasher, command.TenantId, command.Description ?? "", replacesKeyId: null, now, cancellationToken);
        await ApiKeyAudit.RecordAsync(session, caller, now, ApiKeyOperation.Create, key.Id, key.TenantId, cancellationToken);
        return key;
    }
}
