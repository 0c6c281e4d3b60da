using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

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
        services.AddScoped<Features.Routing.GatewayRouter>();
        // Singletons: validators are stateless, and building one compiles an expression tree per rule,
        // which per request cost a create-invoice about a millisecond of CPU (measured, docs/benchmarks.md).
        services.AddValidatorsFromAssembly(typeof(DependencyInjection).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true);
        return services;
    }
}
