using Dapper;
using Mediator;
using PayTrust.Application.Abstractions;

namespace PayTrust.Application.Features.Gateways;

/// <summary>The platform's gateway catalogue with, per gateway, the currencies it takes and their fee rules.</summary>
public sealed record ListGateways : IQuery<IReadOnlyList<GatewayView>>;

public sealed record GatewayView(string Code, string Name, IReadOnlyList<GatewayCurrencyView> Currencies);

/// <summary>
/// A gateway's fee rule for one currency: <c>round(subtotal × fee_percentage) + fee_fixed</c>.
/// The percentage is a string so it survives JSON exactly (no client parses it into a double by accident).
/// </summary>
public sealed record GatewayCurrencyView(string CurrencyCode, string FeePercentage, long FeeFixed);

internal sealed class ListGatewaysHandler(IDbSession session, IPlatformSettings platform) : IQueryHandler<ListGateways, IReadOnlyList<GatewayView>>
{
    private const string Sql = """
        SELECT g.code AS Code, g.name AS Name,
               gc.currency_code AS CurrencyCode, gc.fee_percentage AS FeePercentage, gc.fee_fixed AS FeeFixed
        FROM gateways g
        JOIN gateway_currencies gc ON gc.gateway_code = g.code
        WHERE g.active = 1 AND (g.code <> 'sandbox' OR @SandboxEnabled)
        ORDER BY g.code, gc.currency_code
        """;

    public async ValueTask<IReadOnlyList<GatewayView>> Handle(ListGateways query, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<GatewayRow>(
            new CommandDefinition(Sql, new { platform.SandboxEnabled }, cancellationToken: cancellationToken));

        return rows
            .GroupBy(row => (row.Code, row.Name))
            .Select(gateway => new GatewayView(
                gateway.Key.Code,
                gateway.Key.Name,
                gateway.Select(row => new GatewayCurrencyView(row.CurrencyCode, FormatRate(row.FeePercentage), row.FeeFixed)).ToArray()))
            .ToArray();
    }

    private static string FormatRate(decimal rate) => rate.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);

    private sealed record GatewayRow(string Code, string Name, string CurrencyCode, decimal FeePercentage, long FeeFixed);
}
