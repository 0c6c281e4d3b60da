using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using PayTrust.Application.Features.Payments.Rails;

namespace PayTrust.Application;

public static class DependencyInjection
{
    /// <summary>
    /// Registers the application layer's validators. Handlers and behaviours are registered by the
    /// Mediator source generator in the host (AddMediator), so they are not scanned here.
    /// </summary>
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        services.AddScoped<Abstractions.IdempotencyRequest>();
        services.AddScoped<Behaviors.AfterCommit>();
        services.AddScoped<Features.Routing.GatewayRouter>();
        services.AddScoped<Features.Credentials.GatewayCredentialStore>();

        // Rails (spec §3): a new rail is one more line here and touches no caller. Scoped, because the gateway
        // clients behind card_psp are typed HttpClients, which must not be held for the process's lifetime; their
        // descriptors go to the singleton RailCatalog, for what must know the rails without calling one.
        services.AddRail<Features.Payments.Rails.CardPspRail>(Features.Payments.Rails.CardPspRail.Descriptor);
        services.AddRail<Features.Payments.Rails.BankTransferRail>(Features.Payments.Rails.BankTransferRail.Descriptor);
        services.AddRail<Features.Payments.Rails.ManualSettlementRail>(Features.Payments.Rails.ManualSettlementRail.Descriptor);
        services.AddSingleton<Features.Payments.Rails.RailCatalog>();
        services.AddScoped<Features.Payments.Rails.PaymentRails>();
        services.AddSingleton<Features.Payments.Rails.PaymentMetrics>();
        services.AddSingleton<Abstractions.ICheckoutGateway, Features.Sandbox.SandboxCheckoutGateway>();
        // Beside the Xendit and Midtrans protocols (AddGatewayClients); stateless, like them.
        services.AddSingleton<Abstractions.IWebhookProtocol, Features.Sandbox.SandboxWebhooks>();
        services.AddScoped<Features.Payments.PaymentAttemptFlow>();
        services.AddScoped<Features.Sessions.SessionCloser>();
        services.AddScoped<Features.Payments.PaymentApplier>();
        services.AddScoped<Features.Payments.MoneyOutRecorder>();
        services.AddScoped<Features.Webhooks.NotificationApplier>();
        services.AddScoped<Features.Webhooks.NotificationConfirmer>();
        services.AddSingleton<Features.Reconciliation.ReconciliationMetrics>();
        // Singletons: validators are stateless, and building one compiles an expression tree per rule,
        // which per request cost a create-invoice about a millisecond of CPU (measured, docs/benchmarks.md).
        services.AddValidatorsFromAssembly(typeof(DependencyInjection).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true);
        return services;
    }
}
