using Dapper;
using MySqlConnector;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>
/// The gateway catalogue, read from the database and kept for a minute. It is platform configuration that
/// changes only by migration, and every invoice creation reads it, so one query a minute instead of one
/// per invoice. The fee rule is copied onto each invoice, so a change reaches only invoices created after it.
/// </summary>
internal sealed class GatewayCatalog(MySqlDataSource dataSource, IClock clock) : IGatewayCatalog, IDisposable
{
    private static readonly Duration CacheFor = Duration.FromMinutes(1);

    private const string Sql = """
        SELECT g.code AS Code, gc.currency_code AS CurrencyCode, gc.fee_percentage AS FeePercentage, gc.fee_fixed AS FeeFixed
        FROM gateways g LEFT JOIN gateway_currencies gc ON gc.gateway_code = g.code
        WHERE g.active = 1
        """;

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private Snapshot? _snapshot;

    public async Task<bool> ExistsAsync(string gatewayCode, CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken)).Gateways.Contains(gatewayCode);

    public async Task<FeeRule?> FeeRuleAsync(string gatewayCode, Currency currency, CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken)).FeeRules.GetValueOrDefault((gatewayCode, currency.Code));

    private async ValueTask<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        if (_snapshot is { } fresh && fresh.LoadedAt + CacheFor > now)
        {
            return fresh;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_snapshot is { } loaded && loaded.LoadedAt + CacheFor > now)
            {
                return loaded;
            }

            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var rows = (await connection.QueryAsync<Row>(new CommandDefinition(Sql, cancellationToken: cancellationToken))).ToArray();
            _snapshot = new Snapshot(
                now,
                rows.Select(r => r.Code).ToHashSet(StringComparer.Ordinal),
                rows.Where(r => r.CurrencyCode is not null).ToDictionary(r => (r.Code, r.CurrencyCode!), r => new FeeRule(r.FeePercentage!.Value, r.FeeFixed!.Value)));
            return _snapshot;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose() => _refresh.Dispose();

    private sealed record Snapshot(Instant LoadedAt, HashSet<string> Gateways, Dictionary<(string Gateway, string Currency), FeeRule> FeeRules);

    private sealed record Row(string Code, string? CurrencyCode, decimal? FeePercentage, long? FeeFixed);
}
