using Dapper;
using FluentValidation;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;

namespace PayTrust.Application.Features.Tenants;

/// <summary>Administration: a new merchant tenant.</summary>
public sealed record CreateTenant(string Name) : ICommand<TenantView>;

public sealed record TenantView(Guid Id, string Name, Instant CreatedAt);

internal sealed class CreateTenantValidator : AbstractValidator<CreateTenant>
{
    public CreateTenantValidator() => RuleFor(c => c.Name).NotEmpty().MaximumLength(255);
}

internal sealed class CreateTenantHandler(IDbSession session, IClock clock) : ICommandHandler<CreateTenant, TenantView>
{
    private const string Sql = "INSERT INTO tenants (id, name, created_at) VALUES (@Id, @Name, @CreatedAt)";

    public async ValueTask<TenantView> Handle(CreateTenant command, CancellationToken cancellationToken)
    {
        var tenant = new TenantView(Guid.CreateVersion7(), command.Name.Trim(), clock.GetCurrentInstant());
        var connection = await session.GetConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Sql, tenant, cancellationToken: cancellationToken));
        return tenant;
    }
}
