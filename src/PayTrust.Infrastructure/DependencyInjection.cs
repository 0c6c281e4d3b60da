using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Infrastructure.Gateways;
using PayTrust.Infrastructure.Persistence;
using PayTrust.Infrastructure.Security;
using PayTrust.Infrastructure.Seeding;

namespace PayTrust.Infrastructure;

public static class DependencyInjection
{
    public const string ConnectionStringName = "PayTrust";

    /// <summary>
    /// Settings are read when services are first resolved, not here, so configuration added late by a
    /// host (tests, minimal hosting) is honoured.
    /// </summary>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services)
    {
        DapperTypeHandlers.Register();
        services.AddSingleton(provider => PayTrustDataSource.Build(PooledConnectionString(ConnectionString(provider.GetRequiredService<IConfiguration>())),
            provider.GetRequiredService<IConfiguration>().GetValue("PayTrust:Database:LockWaitTimeoutSeconds", PayTrustDataSource.LockWaitTimeoutSeconds)));
        services.AddSingleton<IClock>(new StorageClock(SystemClock.Instance));
        services.AddSingleton<IApiKeyHasher>(provider => new ApiKeyHasher(ApiKeyPepper.Resolve(provider.GetRequiredService<IConfiguration>())));
        // One cache per process: it is what makes authentication cheap.
        services.AddSingleton<IApiKeyAuthenticator, ApiKeyAuthenticator>();
        services.AddScoped<DemoSeeder>();
        // One session per scope, under both names: repositories queue writes on the concrete session.
        services.AddScoped<DbSession>();
        services.AddScoped<IDbSession>(provider => provider.GetRequiredService<DbSession>());
        // Singletons: the catalogue cache and settings live as long as the process.
        services.AddSingleton<IGatewayCatalog, GatewayCatalog>();
        services.AddSingleton<IPlatformSettings, PlatformSettings>();
        // Stateless, and needed by singletons (the exception handler).
        services.AddSingleton<IDatabaseErrors, MySqlDatabaseErrors>();
        services.AddSingleton(provider => CredentialsKey.CreateProtector(provider.GetRequiredService<IConfiguration>()));

        services.AddGatewayClients();

        // Every adapter in this assembly that implements an application port is registered under that
        // port; new adapters need no wiring here. The gateway clients are the exception: they are typed
        // HttpClients (AddGatewayClients), and the scan would add them again as scoped ICheckoutGateways built
        // without their HttpClient pipeline — or skip them, depending on what registered ICheckoutGateway first.
        services.Scan(scan => scan
            .FromAssemblyOf<DbSession>()
            .AddClasses(classes => classes.InNamespaces("PayTrust.Infrastructure").NotInNamespaceOf<XenditGateway>(), publicOnly: false)
            .UsingRegistrationStrategy(Scrutor.RegistrationStrategy.Skip)
            .As(type => type.GetInterfaces().Where(i => i.Namespace == typeof(IDbSession).Namespace))
            .WithScopedLifetime());

        return services;
    }

    /// <summary>
    /// Unless the connection string says otherwise, a pooled connection is handed out without a reset
    /// round trip (Connection Reset=false): PayTrust keeps no session state on a connection — every
    /// transaction is explicit and rolled back when disposed uncommitted — so the reset only cost a
    /// round trip per request (about 20 % of the CPU of a one-query request, docs/benchmarks.md).
    /// </summary>
    public static string PooledConnectionString(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Reset", StringComparison.OrdinalIgnoreCase))
        {
            builder.ConnectionReset = false;
        }

        return builder.ConnectionString;
    }

    public static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName)
        ?? throw new InvalidOperationException($"Connection string 'ConnectionStrings:{ConnectionStringName}' (environment ConnectionStrings__{ConnectionStringName}) is not configured.");
}
