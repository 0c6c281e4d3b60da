using Dapper;
using Mediator;
using PayTrust.Application.Abstractions;

namespace PayTrust.Application.Features.Routing;

/// <summary>GET /routing-rules: the tenant's rules by currency, defaults (no payment_method) first.</summary>
public sealed record ListRoutingRules : IQuery<RoutingRuleList>;

internal sealed class ListRoutingRulesHandler(IDbSession session, ICallerContext caller) : IQueryHandler<ListRoutingRules, RoutingRuleList>
{
    private const string Sql = """
        SELECT currency_code AS CurrencyCode, payment_method AS PaymentMethod, gateway_code AS Gateway
        FROM tenant_routing_rules WHERE tenant_id = @TenantId
        ORDER BY currency_code, payment_method
        """;

    public async ValueTask<RoutingRuleList> Handle(ListRoutingRules query, CancellationToken cancellationToken) =>
        await ReadAsync(session, caller.RequireTenant(), cancellationToken);

    internal static async Task<RoutingRuleList> ReadAsync(IDbSession session, Guid tenantId, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string CurrencyCode, string PaymentMethod, string Gateway)>(new CommandDefinition(
            Sql, new { TenantId = tenantId }, cancellationToken: cancellationToken));
        return new RoutingRuleList(rows.Select(r => new RoutingRuleView(r.CurrencyCode, r.PaymentMethod.Length == 0 ? null : r.PaymentMethod, r.Gateway)).ToArray());
    }
}
