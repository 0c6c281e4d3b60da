using PayTrust.Application.Features.Gateways;
using PayTrust.Infrastructure.Persistence;
using PayTrust.Testing;

namespace PayTrust.Application.Tests;

public class ListGatewaysTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Lists_the_seeded_catalogue_with_per_currency_fee_rules()
    {
        await using var session = new DbSession(new MySqlConnector.MySqlDataSource(database.ConnectionString));
        var handler = new ListGatewaysHandler(session, new Webhooks.SandboxSettings("unused"));

        var gateways = await handler.Handle(new ListGateways(), CancellationToken.None);

        Assert.Equal(["midtrans", "sandbox", "xendit"], gateways.Select(g => g.Code));
        Assert.Equal(["IDR"], gateways.Single(g => g.Code == "midtrans").Currencies.Select(c => c.CurrencyCode));
        Assert.Equal(["IDR", "MYR", "USD"], gateways.Single(g => g.Code == "xendit").Currencies.Select(c => c.CurrencyCode));
        Assert.Equal(["IDR", "MYR", "USD"], gateways.Single(g => g.Code == "sandbox").Currencies.Select(c => c.CurrencyCode));
        Assert.Equal(new GatewayCurrencyView("IDR", "0.029", 2000), gateways.Single(g => g.Code == "xendit").Currencies[0]);
    }

    [Fact]
    public async Task A_sandbox_switched_off_is_not_listed()
    {
        await using var session = new DbSession(new MySqlConnector.MySqlDataSource(database.ConnectionString));
        var handler = new ListGatewaysHandler(session, new Webhooks.SandboxSettings("unused", enabled: false));

        var gateways = await handler.Handle(new ListGateways(), CancellationToken.None);

        Assert.Equal(["midtrans", "xendit"], gateways.Select(g => g.Code));
    }
}
