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
        services.AddValidatorsFromAssembly(typeof(DependencyInjection).Assembly, ServiceLifetime.Scoped, includeInternalTypes: true);
        return services;
    }
}
