using Mediator;
using PayTrust.Application.Features.Reports;
using PayTrust.Infrastructure;
using PayTrust.Infrastructure.Persistence;
using PayTrust.Infrastructure.Seeding;

namespace PayTrust.Api.Hosting;

/// <summary>
/// Operator verbs run by build.sh with the same binary and configuration as the service:
/// <c>migrate</c> applies migrations; <c>seed-demo</c> creates the demo tenant and registers the
/// API key given in DEMO_API_KEY (an environment variable, so the key never shows in a process list);
/// <c>rollup-reports</c> rolls up every tenant's closed report days now (what the roll-up worker does over time;
/// ./build.sh bench report times it); <c>bench-webhooks</c> signs sandbox webhooks for ./build.sh bench (<see cref="BenchWebhooks"/>, no database).
/// </summary>
public static class CommandLine
{
    public static async Task<int?> TryRunAsync(string[] args)
    {
        if (args is ["bench-webhooks"])
        {
            return await BenchWebhooks.RunAsync();
        }

        if (args.Length == 0 || args[0] is not ("migrate" or "seed-demo" or "rollup-reports"))
        {
            return null;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args[1..], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        // rollup-reports sends the job's command through the application's pipeline (its transaction), so it needs it all.
        if (args[0] == "rollup-reports")
        {
            builder.Services.AddPayTrust();
        }
        else
        {
            builder.Services.AddInfrastructure();
        }

        await using var app = builder.Build();
        var connectionString = DependencyInjection.ConnectionString(builder.Configuration);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PayTrust.CommandLine");

        if (await DatabaseBootstrapper.PrepareAsync(connectionString, migrate: true, logger, CancellationToken.None) is { } failure)
        {
            await Console.Error.WriteLineAsync($"PayTrust {args[0]}: {failure}");
            return 1;
        }

        if (args[0] == "migrate")
        {
            Console.WriteLine($"Database {DatabaseBootstrapper.DescribeTarget(connectionString)} is up to date.");
            return 0;
        }

        if (args[0] == "rollup-reports")
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var batches = 0;
            while (true)
            {
                await using var batchScope = app.Services.CreateAsyncScope();
                if (await batchScope.ServiceProvider.GetRequiredService<IMediator>().Send(new RollUpReportDays(31)) == 0)
                {
                    break;
                }

                batches++;
            }

            Console.WriteLine(FormattableString.Invariant($"ROLLED_UP {batches} {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:F1}"));
            return 0;
        }

        var demoKey = Environment.GetEnvironmentVariable("DEMO_API_KEY");
        if (string.IsNullOrEmpty(demoKey))
        {
            await Console.Error.WriteLineAsync("PayTrust seed-demo: set DEMO_API_KEY to the key to register.");
            return 2;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var tenantId = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(demoKey, CancellationToken.None);
        Console.WriteLine($"Demo tenant {tenantId} is ready.");
        return 0;
    }
}
