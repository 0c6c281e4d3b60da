using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace PayTrust.Api.Tests;

/// <summary>The API with every log event kept in memory, to prove what never reaches the logs.</summary>
public class LogCapturingApiFactory : PayTrustApiFactory
{
    public ConcurrentQueue<LogEvent> Events { get; } = new();

    // Every level kept: what only debug or trace logging would write must be free of secrets as well.
    protected sealed override IDictionary<string, string?> ExtraSettings
    {
        get
        {
            var settings = new Dictionary<string, string?>
            {
                ["Serilog:MinimumLevel:Default"] = "Verbose",
                ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Verbose",
            };
            foreach (var (key, value) in MoreSettings)
            {
                settings[key] = value;
            }

            return settings;
        }
    }

    /// <summary>What a test class's factory adds to the logging settings.</summary>
    protected virtual IDictionary<string, string?> MoreSettings => new Dictionary<string, string?>();

    protected override void ConfigureTestServices(IServiceCollection services) =>
        services.AddSingleton<ILogEventSink>(new Sink(Events));

    private sealed class Sink(ConcurrentQueue<LogEvent> events) : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => events.Enqueue(logEvent);
    }
}
