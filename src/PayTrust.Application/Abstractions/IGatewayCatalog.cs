using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;

namespace PayTrust.Application.Abstractions;

/// <summary>The platform's gateways and their fee rule per currency (table-driven, seeded by migration).</summary>
public interface IGatewayCatalog
{
    Task<bool> ExistsAsync(string gatewayCode, CancellationToken cancellationToken);

    /// <summary>The gateway's fee rule for the currency, or null when it does not take that currency.</summary>
    Task<FeeRule?> FeeRuleAsync(string gatewayCode, Currency currency, CancellationToken cancellationToken);
}
