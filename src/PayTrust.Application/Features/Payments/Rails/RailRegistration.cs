using Microsoft.Extensions.DependencyInjection;

namespace PayTrust.Application.Features.Payments.Rails;

/// <summary>A rail is registered in one line: the rail itself (scoped) and its descriptor for the <see cref="RailCatalog"/>.</summary>
public static class RailRegistration
{
    public static IServiceCollection AddRail<TRail>(this IServiceCollection services, RailDescriptor descriptor)
        where TRail : class, IPaymentRail
    {
        services.AddScoped<IPaymentRail, TRail>();
        services.AddSingleton(descriptor);
        return services;
    }
}
