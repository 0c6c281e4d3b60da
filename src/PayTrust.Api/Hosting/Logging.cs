using System.Diagnostics;
using Serilog;
using Serilog.Context;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace PayTrust.Api.Hosting;

public static class Logging
{
    /// <summary>
    /// Serilog for everything: levels from configuration ("Serilog" section), readable text on a
    /// terminal, one compact JSON object per line when the output is redirected (containers, files, CI).
    /// </summary>
    public static void AddPayTrustLogging(this WebApplicationBuilder builder)
    {
        // preserveStaticLogger: each host logs through its own logger rather than the process-wide static
        // one, so two hosts in one process (the tests run several) never write into each other's sinks.
        builder.Services.AddSerilog(
            (services, logger) =>
        {
            // Redaction last, so it also sees what the other enrichers added (the log context's properties).
            logger.ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .Enrich.With<LogRedaction>()
                .Filter.ByExcluding(LogRedaction.IsHeaderDump);
            if (Console.IsOutputRedirected)
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {RequestId}{NewLine}{Exception}", formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
        },
            preserveStaticLogger: true);
    }

    /// <summary>One summary line per request, and the request id and trace id on every line logged during it.</summary>
    public static void UsePayTrustRequestLogging(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            using (LogContext.PushProperty("RequestId", context.TraceIdentifier))
            using (LogContext.PushProperty("TraceId", Activity.Current?.TraceId.ToString()))
            {
                await next(context);
            }
        });
        app.UseSerilogRequestLogging(options =>
        {
            // This host's logger, not the process-wide static one (see AddPayTrustLogging).
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms";
            // The path without its payment-link or checkout token: the request line does not rely on LogRedaction, which
            // rewrites every other event on its way out.
            options.GetMessageTemplateProperties = (context, path, elapsed, status) =>
            [
                new LogEventProperty("RequestMethod", new ScalarValue(context.Request.Method)),
                new LogEventProperty("RequestPath", new ScalarValue(LogRedaction.Redact(path))),
                new LogEventProperty("StatusCode", new ScalarValue(status)),
                new LogEventProperty("Elapsed", new ScalarValue(elapsed)),
            ];
            options.EnrichDiagnosticContext = (diagnostics, context) => diagnostics.Set("RequestId", context.TraceIdentifier);
        });
    }
}
