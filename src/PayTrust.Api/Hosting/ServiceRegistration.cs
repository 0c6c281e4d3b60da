using System.Text.Json;
using System.Text.Json.Serialization;
using Mediator;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using PayTrust.Api.Errors;
using PayTrust.Api.Security;
using PayTrust.Application;
using PayTrust.Application.Behaviors;
using PayTrust.Infrastructure;

namespace PayTrust.Api.Hosting;

public static class ServiceRegistration
{
    /// <summary>Largest request body accepted anywhere (webhooks are capped lower by the spec).</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static IServiceCollection AddPayTrust(this IServiceCollection services)
    {
        services.AddMediator((MediatorOptions options) =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            // Order matters: first is outermost.
            options.PipelineBehaviors =
            [
                typeof(LoggingBehavior<,>),
                typeof(ValidationBehavior<,>),
                typeof(TransactionBehavior<,>),
                // Inside the transaction, so a stored response commits with its effect (ADR 8).
                typeof(IdempotencyBehavior<,>),
            ];
        });
        services.AddApplication();
        services.AddInfrastructure();
        services.AddMetrics();
        services.AddHttpClient();

        services.ConfigureHttpJsonOptions(options => ConfigureJson(options.SerializerOptions));
        // Bodies that do not bind throw, so the one exception handler turns them into problem+json
        // instead of the framework's empty 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(options =>
        {
            options.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            options.AddServerHeader = false;
        });
        services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));

        services.AddPayTrustProblemDetails();
        services.AddPayTrustAuth();
        services.AddPayTrustRateLimiting();
        services.AddHostedService<IdempotencyCleanup>();
        services.AddHostedService<InvoiceExpiryWorker>();
        services.AddHostedService<WebhookRetryWorker>();
        services.AddHostedService<UnverifiedWebhookRetentionWorker>();
        services.AddHostedService<ReconciliationWorker>();
        services.AddHostedService<ReportRollupWorker>();
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "PayTrust API";
            document.Info.Description = "Multi-tenant payment orchestration: invoices, installments, gateways, webhooks and reports. Amounts are integers in the currency's minor unit; errors are RFC 9457 problem+json with a stable code.";
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>snake_case, enums as strings, NodaTime instants as ISO 8601 with Z, no depth abuse.</summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        options.NumberHandling = JsonNumberHandling.Strict;
        options.MaxDepth = 32;
    }
}
