using PayTrust.Infrastructure;
using PayTrust.Infrastructure.Persistence;

namespace PayTrust.Api.Hosting;

public static class DatabaseStartup
{
    /// <summary>
    /// Checks the database before taking traffic and, when <c>PayTrust:MigrateOnStartup</c> is true
    /// (the default in Development), applies pending migrations. Returns a one-line reason on failure.
    /// </summary>
    public static Task<string?> PrepareDatabaseAsync(this WebApplication app)
    {
        var migrate = app.Configuration.GetValue("PayTrust:MigrateOnStartup", app.Environment.IsDevelopment());
        var connectionString = DependencyInjection.ConnectionString(app.Configuration);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PayTrust.Startup");
        return DatabaseBootstrapper.PrepareAsync(connectionString, migrate, logger, app.Lifetime.ApplicationStopping);
    }
}
