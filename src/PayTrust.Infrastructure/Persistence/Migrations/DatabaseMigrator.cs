using System.Reflection;
using DbUp.Builder;
using DbUp.Engine;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;

namespace PayTrust.Infrastructure.Persistence.Migrations;

/// <summary>Runs the SQL scripts of db/migrations (embedded in this assembly) in name order, once each.</summary>
public sealed class DatabaseMigrator
{
    private readonly string _connectionString;
    private readonly Assembly _scriptAssembly;
    private readonly ILogger _logger;

    public DatabaseMigrator(string connectionString, ILogger logger)
        : this(connectionString, typeof(DatabaseMigrator).Assembly, logger)
    {
    }

    /// <summary>For tests: migrate with the scripts embedded in another assembly.</summary>
    public DatabaseMigrator(string connectionString, Assembly scriptAssembly, ILogger logger)
    {
        _connectionString = connectionString;
        _scriptAssembly = scriptAssembly;
        _logger = logger;
    }

    /// <summary>Applies every pending script; returns the names of those it ran. Throws <see cref="MigrationFailedException"/> on a broken script.</summary>
    public IReadOnlyList<string> Migrate()
    {
        var result = BuildEngine().PerformUpgrade();
        if (!result.Successful)
        {
            throw result.Error as MigrationFailedException
                ?? new MigrationFailedException(EmbeddedMigrations.FileName(result.ErrorScript?.Name ?? "(unknown)"), 0, result.Error);
        }

        var applied = result.Scripts.Select(script => EmbeddedMigrations.FileName(script.Name)).ToArray();
        _logger.LogInformation("Database migrations applied: {Count} {Scripts}", applied.Length, applied);
        return applied;
    }

    public IReadOnlyList<string> PendingScripts() =>
        BuildEngine().GetScriptsToExecute().Select(script => EmbeddedMigrations.FileName(script.Name)).ToArray();

    private UpgradeEngine BuildEngine()
    {
        var builder = new UpgradeEngineBuilder();
        builder.Configure(c =>
        {
            var connectionManager = new MySqlConnectionManager(_connectionString);
            c.ConnectionManager = connectionManager;
            c.Journal = new MySqlTableJournal(() => connectionManager, () => c.Log);
            c.ScriptExecutor = new MySqlScriptExecutor(() => connectionManager, () => c.Log, () => c.Journal);
            c.AddLog(new DbUpLogger(_logger));
        });
        return builder
            .WithScriptsEmbeddedInAssembly(_scriptAssembly, EmbeddedMigrations.IsMigration)
            .WithTransactionPerScript()
            .Build();
    }

    /// <summary>DbUp's chatter goes to our logger at Debug; errors surface through the exception instead.</summary>
    private sealed class DbUpLogger(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }

        public void LogDebug(string format, params object[] args) { }

        public void LogInformation(string format, params object[] args) => Write(format, args);

        public void LogWarning(string format, params object[] args) => Write(format, args);

        public void LogError(string format, params object[] args) => Write(format, args);

        public void LogError(Exception ex, string format, params object[] args) => Write(format, args);

#pragma warning disable CA2254 // DbUp hands us its own composite format strings.
        private void Write(string format, object[] args) => logger.LogDebug(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
#pragma warning restore CA2254
    }
}
