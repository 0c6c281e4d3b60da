using Mediator;
using PayTrust.Application.Abstractions;

namespace PayTrust.Application.Features.Tenants;

/// <summary>Which tenant and key a request authenticated as: a quick integration check for merchants.</summary>
public sealed record GetCurrentTenant : IQuery<CurrentTenant>;

public sealed record CurrentTenant(Guid TenantId, Guid ApiKeyId);

internal sealed class GetCurrentTenantHandler(ICallerContext caller) : IQueryHandler<GetCurrentTenant, CurrentTenant>
{
    public ValueTask<CurrentTenant> Handle(GetCurrentTenant query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new CurrentTenant(caller.RequireTenant(), caller.ApiKeyId!.Value));
}
