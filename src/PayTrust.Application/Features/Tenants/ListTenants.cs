using Dapper;
using Mediator;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;

namespace PayTrust.Application.Features.Tenants;

/// <summary>Administration: every tenant, newest first.</summary>
public sealed record ListTenants : IQuery<IReadOnlyList<TenantView>>;

internal sealed class ListTenantsHandler(IDbSession session) : IQueryHandler<ListTenants, IReadOnlyList<TenantView>>
{
    private const string Sql = "SELECT id AS Id, name AS Name, created_at AS CreatedAt FROM tenants ORDER BY created_at DESC, id DESC";

    public async ValueTask<IReadOnlyList<TenantView>> Handle(ListTenants query, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TenantRow>(new CommandDefinition(Sql, cancellationToken: cancellationToken));
        return rows.Select(r => new TenantView(r.Id, r.Name, r.CreatedAt.ToInstantUtc())).ToArray();
    }

    private sealed record TenantRow(Guid Id, string Name, DateTime CreatedAt);
}
