using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Infrastructure.Persistence;
using PayTrust.Infrastructure.Security;
using PayTrust.Infrastructure.Seeding;

namespace PayTrust.Infrastructure;

public static class DependencyInjection
{
    public const string ConnectionStringName = "PayTrust";

    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringName)
            ?? throw new InvalidOperationException($"Connection string 'ConnectionStrings:{ConnectionStringName}' (env ConnectionStrings__{ConnectionStringName}) is not configured.");

        services.AddSingleton(_ => new MySqlDataSourceBuilder(connectionString).Build());
        services.AddSingleton<IClock>(SystemClock.Instance);
        services.AddSingleton(new ApiKeyHasher(Encoding.UTF8.GetBytes(configuration["PayTrust:ApiKeyPepper"] ?? DevelopmentPepper)));
        services.AddScoped<DemoSeeder>();

        // Every adapter in this assembly that implements an application port is registered under that
        // port; new adapters need no wiring here.
        services.Scan(scan => scan
            .FromAssemblyOf<DbSession>()
            .AddClasses(classes => classes.InNamespaces("PayTrust.Infrastructure"), publicOnly: false)
            .UsingRegistrationStrategy(Scrutor.RegistrationStrategy.Skip)
            .As(type => type.GetInterfaces().Where(i => i.Namespace == typeof(IDbSession).Namespace))
            .WithScopedLifetime());

        return services;
    }

    /// <summary>Only for local development; configuration must supply PayTrust:ApiKeyPepper elsewhere.</summary>
    public const string DevelopmentPepper = "paytrust-development-pepper-not-for-production";
}
