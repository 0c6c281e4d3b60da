using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using PayTrust.Application.Abstractions;

namespace PayTrust.Infrastructure.Gateways;

public static class GatewayClientsRegistration
{
    /// <summary>
    /// The Xendit and Midtrans clients as typed HttpClients, each behind a timeout and nothing else: no retry,
    /// because a retried creation can open a second checkout for one attempt (spec §7.2). Both are added as
    /// <see cref="ICheckoutGateway"/> alongside any other gateway (the built-in sandbox), never instead of one; their
    /// webhook protocols likewise as <see cref="IWebhookProtocol"/>.
    /// </summary>
    public static IServiceCollection AddGatewayClients(this IServiceCollection services)
    {
        // Without HttpClient's own loggers: at Trace they write every request header's raw value into the log event's
        // properties (its message shows "*", its properties the tenant's Basic auth), and any sink that keeps
        // properties, the JSON console among them, would print the secret key. PaymentRails logs every call instead.
        services.AddHttpClient<XenditGateway>(Configure).RemoveAllLoggers().AddResilienceHandler("xendit", AddTimeout);
        services.AddHttpClient<MidtransGateway>(Configure).RemoveAllLoggers().AddResilienceHandler("midtrans", AddTimeout);
        services.AddTransient<ICheckoutGateway>(provider => provider.GetRequiredService<XenditGateway>());
        services.AddTransient<ICheckoutGateway>(provider => provider.GetRequiredService<MidtransGateway>());
        // Their webhook protocols: stateless, so one each for the process, added beside the sandbox's.
        services.AddSingleton<IWebhookProtocol, XenditWebhooks>();
        services.AddSingleton<IWebhookProtocol, MidtransWebhooks>();
        return services;
    }

    private static void Configure(IServiceProvider provider, HttpClient client)
    {
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        // The resilience timeout is the one meant to fire; HttpClient's own only backs it up.
        client.Timeout = GatewayEndpoints.Timeout(provider.GetRequiredService<IConfiguration>()) + TimeSpan.FromSeconds(5);
    }

    private static void AddTimeout(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context) =>
        pipeline.AddTimeout(GatewayEndpoints.Timeout(context.ServiceProvider.GetRequiredService<IConfiguration>()));
}
