using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PayTrust.Application.Abstractions;
using PayTrust.Infrastructure;

namespace PayTrust.Application.Tests.Webhooks;

public sealed class WebhookWiringTests
{
    [Fact]
    public void Each_gateway_has_one_webhook_protocol_a_singleton()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddApplication();
        services.AddInfrastructure();

        using var provider = services.BuildServiceProvider();
        var protocols = provider.GetServices<IWebhookProtocol>().ToArray();

        Assert.Equal(["midtrans", "sandbox", "xendit"], protocols.Select(protocol => protocol.Gateway).Order(StringComparer.Ordinal));
        Assert.All(services.Where(descriptor => descriptor.ServiceType == typeof(IWebhookProtocol)),
            descriptor => Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime));
        Assert.Equal(protocols, provider.GetServices<IWebhookProtocol>());
    }
}
