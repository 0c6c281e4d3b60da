using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Monetary;
using PayTrust.Infrastructure;
using PayTrust.Infrastructure.Gateways;

namespace PayTrust.Application.Tests.Gateways;

public sealed class GatewayWiringTests
{
    [Fact]
    public void AddInfrastructure_registers_each_gateway_client_once_beside_other_gateways()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddInfrastructure();

        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        var codes = scope.ServiceProvider.GetServices<ICheckoutGateway>().Select(gateway => gateway.Code).Order().ToArray();

        Assert.Equal(["midtrans", "xendit"], codes);
        Assert.DoesNotContain(services, descriptor => descriptor.ServiceType == typeof(ICheckoutGateway) && descriptor.Lifetime == ServiceLifetime.Scoped);
    }

    [Theory]
    [InlineData("sandbox", "https://api.xendit.co/", "https://app.sandbox.midtrans.com/", "https://api.sandbox.midtrans.com/")]
    [InlineData("production", "https://api.xendit.co/", "https://app.midtrans.com/", "https://api.midtrans.com/")]
    [InlineData("Production", "https://api.xendit.co/", "https://app.sandbox.midtrans.com/", "https://api.sandbox.midtrans.com/")]
    public void Unconfigured_base_URLs_are_the_real_hosts_for_the_mode(string mode, string xendit, string snap, string core)
    {
        var configuration = new ConfigurationBuilder().Build();

        Assert.Equal(xendit, GatewayEndpoints.XenditBaseUrl(configuration, mode).AbsoluteUri);
        Assert.Equal(snap, GatewayEndpoints.MidtransSnapBaseUrl(configuration, mode).AbsoluteUri);
        Assert.Equal(core, GatewayEndpoints.MidtransCoreBaseUrl(configuration, mode).AbsoluteUri);
    }

    [Fact]
    public void Configured_base_URLs_win_over_the_mode()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [GatewayEndpoints.XenditBaseUrlKey] = "http://127.0.0.1:5001/",
            [GatewayEndpoints.MidtransSnapBaseUrlKey] = "http://127.0.0.1:5002/prefix",
            [GatewayEndpoints.MidtransCoreBaseUrlKey] = "http://127.0.0.1:5003",
        }).Build();

        Assert.Equal("http://127.0.0.1:5001/v2/invoices", GatewayEndpoints.Combine(GatewayEndpoints.XenditBaseUrl(configuration, "production"), "/v2/invoices").AbsoluteUri);
        Assert.Equal("http://127.0.0.1:5002/prefix/snap/v1/transactions", GatewayEndpoints.Combine(GatewayEndpoints.MidtransSnapBaseUrl(configuration, "production"), "/snap/v1/transactions").AbsoluteUri);
        Assert.Equal("http://127.0.0.1:5003/v2/a/status", GatewayEndpoints.Combine(GatewayEndpoints.MidtransCoreBaseUrl(configuration, "sandbox"), "/v2/a/status").AbsoluteUri);
    }

    [Fact]
    public void The_timeout_defaults_to_15_seconds_and_refuses_nonsense()
    {
        Assert.Equal(TimeSpan.FromSeconds(15), GatewayEndpoints.Timeout(new ConfigurationBuilder().Build()));
        var zero = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [GatewayEndpoints.TimeoutSecondsKey] = "0" }).Build();
        Assert.Throws<InvalidOperationException>(() => GatewayEndpoints.Timeout(zero));
    }

    [Theory]
    [InlineData(0, "IDR", "0")]
    [InlineData(150_000, "IDR", "150000")]
    [InlineData(12_345, "MYR", "123.45")]
    [InlineData(10_000, "USD", "100.00")]
    [InlineData(1_000_000_000_000_000, "USD", "10000000000000.00")]
    public void Minor_units_convert_to_major_and_back_exactly(long minor, string code, string major)
    {
        var currency = Currency.Parse(code);
        var converted = WireAmount.ToMajor(new Money(minor, currency));

        Assert.Equal(major, converted.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(WireAmount.TryToMinor(converted, currency, out var back));
        Assert.Equal(new Money(minor, currency), back);
    }

    [Theory]
    [InlineData("1500.5", "IDR")]
    [InlineData("123.451", "MYR")]
    [InlineData("-1", "USD")]
    public void Amounts_finer_than_the_minor_unit_or_negative_do_not_convert(string major, string code) =>
        Assert.False(WireAmount.TryToMinor(decimal.Parse(major, System.Globalization.CultureInfo.InvariantCulture), Currency.Parse(code), out _));
}
