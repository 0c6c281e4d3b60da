using Dapper;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Credentials;
using PayTrust.Application.Features.Invoices;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Routing;

/// <summary>The gateway an invoice goes through and the fee rule it copies.</summary>
public sealed record RoutedGateway(string Gateway, FeeRule FeeRule);

/// <summary>
/// Routing (spec §3), in order: the invoice's own gateway; the tenant's rule for (currency, payment
/// method); the tenant's default for the currency; the platform default. The gateway must take the
/// currency, and the tenant must have credentials for it (the sandbox needs none).
/// </summary>
public sealed class GatewayRouter(IDbSession session, IGatewayCatalog gateways, IPlatformSettings platform, ICallerContext caller)
{
    // The method's own rule sorts before the currency default ('').
    private const string RulesSql = """
        SELECT gateway_code FROM tenant_routing_rules
        WHERE tenant_id = @TenantId AND currency_code = @CurrencyCode AND payment_method IN (@PaymentMethod, '')
          AND (gateway_code <> 'sandbox' OR @SandboxEnabled)
        ORDER BY payment_method DESC
        LIMIT 1
        """;

    private const string HasCredentialsSql = "SELECT COUNT(*) FROM tenant_gateway_credentials WHERE tenant_id = @TenantId AND gateway_code = @Gateway";

    public async Task<RoutedGateway> RouteAsync(string? requestedGateway, Currency currency, string? paymentMethod, CancellationToken cancellationToken)
    {
        var tenantId = caller.RequireTenant();
        // A tenant's rule that names a gateway the platform no longer offers (the sandbox switched off) is passed over for
        // the next step of the order (RulesSql leaves it out); a request that names one is refused.
        var gateway = requestedGateway is { } requested
            ? RequireOffered(requested)
            : await TenantRuleAsync(tenantId, currency, paymentMethod, cancellationToken) ?? platform.DefaultGateway;
        var feeRule = await gateways.RequireFeeRuleAsync(gateway, currency, cancellationToken);
        await EnsureCredentialsAsync(tenantId, gateway, cancellationToken);
        return new RoutedGateway(gateway, feeRule);
    }

    /// <summary>
    /// The gateway, if the platform offers it (<see cref="IPlatformSettings.Offers"/>; not the sandbox while it is switched
    /// off, ADR 12); otherwise 400 invalid_gateway, as for a gateway the platform does not have.
    /// </summary>
    public string RequireOffered(string gateway) =>
        platform.Offers(gateway) ? gateway : throw new PayTrustException(ErrorKind.InvalidInput, "invalid_gateway", $"Invalid gateway: {gateway} not found");

    /// <summary>A tenant without credentials for a gateway cannot route to it: 422 credentials_missing (§7.6).</summary>
    public async Task EnsureCredentialsAsync(Guid tenantId, string gateway, CancellationToken cancellationToken)
    {
        if (!GatewayCredentialRules.WithCredentials.Contains(gateway))
        {
            return;
        }

        var connection = await session.GetConnectionAsync(cancellationToken);
        var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            HasCredentialsSql, new { TenantId = tenantId, Gateway = gateway }, cancellationToken: cancellationToken));
        if (count == 0)
        {
            throw GatewayCredentialRules.Missing(gateway);
        }
    }

    private async Task<string?> TenantRuleAsync(Guid tenantId, Currency currency, string? paymentMethod, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            RulesSql, new { TenantId = tenantId, CurrencyCode = currency.Code, PaymentMethod = paymentMethod ?? "", platform.SandboxEnabled }, cancellationToken: cancellationToken));
    }
}
