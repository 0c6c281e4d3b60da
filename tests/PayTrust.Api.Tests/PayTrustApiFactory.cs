using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using FluentValidation.Results;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PayTrust.Domain.Errors;
using PayTrust.Testing;

namespace PayTrust.Api.Tests;

/// <summary>
/// The real API in-process (TestServer) against a real, freshly migrated MariaDB database of its own.
/// It adds a few probe endpoints under /_test that throw on purpose, so the one error mapping can be
/// exercised before real endpoints that would throw those errors exist.
/// </summary>
public sealed class PayTrustApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public async Task InitializeAsync() => await Database.InitializeAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Database.DisposeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:PayTrust"] = Database.ConnectionString,
            ["PayTrust:MigrateOnStartup"] = "false",
        }));
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ProbeEndpoints>());
    }

    public sealed record ProbeBody(string Name, int Quantity);

    private sealed class ProbeEndpoints : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.UseRouting();
            app.UseEndpoints(endpoints =>
            {
                endpoints.MapPost("/_test/echo", (ProbeBody body) => TypedResults.Ok(body));
                endpoints.MapGet("/_test/validation", IResult () => throw new ValidationException(
                [
                    new ValidationFailure("LineItems[0].TaxRate", "Invalid tax_rate: must be between 0 and 1.0 with max 4 decimal places"),
                    new ValidationFailure("CurrencyCode", "Invalid currency code: EUR - must be a supported ISO 4217 code (IDR, MYR, USD)"),
                ]));
                endpoints.MapGet("/_test/refusal/{kind}", IResult (ErrorKind kind) =>
                    throw new PayTrustException(kind, "probe_refusal", "Refused by the probe"));
                endpoints.MapGet("/_test/crash", IResult () =>
                    throw new InvalidOperationException("SELECT secret FROM internals -- must never reach a client"));
            });
        };
    }
}
