using FluentValidation;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using FluentValidation.Results;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PayTrust.Api.Security;
using PayTrust.Domain.Errors;
using PayTrust.Testing;

namespace PayTrust.Api.Tests;

/// <summary>
/// The real API in-process (TestServer) against a real, freshly migrated MariaDB database of its own.
/// It adds a few probe endpoints under /_test that throw on purpose, so the one error mapping can be
/// exercised before real endpoints that would throw those errors exist.
/// </summary>
public class PayTrustApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminKey = "test-admin-key-0123456789abcdef0123456789ABCDEF!";

    /// <summary>32 bytes in base64: the key gateway credentials are encrypted under in tests.</summary>
    public const string CredentialsKey = "dGVzdC1jcmVkZW50aWFscy1rZXktMzItYnl0ZXMhISE=";

    private readonly bool _ownsDatabase;

    public PayTrustApiFactory()
        : this(new TestDatabase(), ownsDatabase: true)
    {
    }

    /// <summary>A second instance of the service on the same database (for cross-instance behaviour).</summary>
    internal PayTrustApiFactory(TestDatabase database, bool ownsDatabase = false)
    {
        Database = database;
        _ownsDatabase = ownsDatabase;
    }

    public TestDatabase Database { get; }

    /// <summary>Settings a test class needs on top of the defaults.</summary>
    protected virtual IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    /// <summary>Service replacements a test class needs (a fake clock, say), applied after the app's own registrations.</summary>
    protected virtual void ConfigureTestServices(IServiceCollection services)
    {
    }

    public virtual async Task InitializeAsync()
    {
        if (_ownsDatabase)
        {
            await Database.InitializeAsync();
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }

        await DisposeTestResourcesAsync();
    }

    /// <summary>What a test class's factory started besides the app (stand-in servers), stopped after it.</summary>
    protected virtual Task DisposeTestResourcesAsync() => Task.CompletedTask;

    public HttpClient AdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        return client;
    }

    public HttpClient TenantClient(string apiKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        return client;
    }

    /// <summary>
    /// Test-only request header naming the client address a request comes from. The in-process TestServer gives every
    /// request a null <c>RemoteIpAddress</c>; <see cref="ClientAddressFromHeader"/> sets it from this header instead.
    /// </summary>
    public const string ClientAddressHeader = "X-Test-Client-Address";

    /// <summary>A client whose requests come from <paramref name="address"/>, with an API key if one is given.</summary>
    public HttpClient ClientFrom(IPAddress address, string? apiKey = null, WebApplicationFactoryClientOptions? options = null)
    {
        var client = options is null ? CreateClient() : CreateClient(options);
        client.DefaultRequestHeaders.Add(ClientAddressHeader, address.ToString());
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        }

        return client;
    }

    /// <summary>A new tenant and an API key for it, made through the admin API.</summary>
    public async Task<TestTenant> CreateTenantAsync(string name = "Test merchant")
    {
        using var admin = AdminClient();
        var tenant = await HttpAssert.JsonAsync(await admin.PostAsJsonAsync("/tenants", new { name }), System.Net.HttpStatusCode.Created);
        var key = await HttpAssert.JsonAsync(
            await admin.PostAsJsonAsync("/api-keys", new { tenant_id = tenant.GetProperty("id").GetGuid(), description = "tests" }), System.Net.HttpStatusCode.Created);
        return new TestTenant(tenant.GetProperty("id").GetGuid(), key.GetProperty("id").GetGuid(), key.GetProperty("api_key").GetString()!);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:PayTrust"] = Database.ConnectionString,
            ["PayTrust:MigrateOnStartup"] = "false",
            ["ADMIN_API_KEY"] = AdminKey,
            ["PayTrust:ApiKeyPepper"] = "test-pepper",
            ["PayTrust:CredentialsKey"] = CredentialsKey,
            ["PAYTRUST_PUBLIC_URL"] = "https://pay.example.test",
            // Outside Development the sandbox is off unless switched on (ADR 12); the tests pay through it, so they say so,
            // and the tests about it being off override this.
            ["PayTrust:Sandbox:Enabled"] = "true",
            // Workers are switched on by the tests that exercise them, so no other test sees background changes.
            ["PayTrust:Workers:ExpiryEnabled"] = "false",
            ["PayTrust:Workers:ReconciliationEnabled"] = "false",
            ["PayTrust:Workers:ReportRollupEnabled"] = "false",
        }).AddInMemoryCollection(ExtraSettings));
        builder.ConfigureServices(services => services
            .AddSingleton<IStartupFilter, ClientAddressFromHeader>()
            .AddSingleton<IStartupFilter, ProbeEndpoints>());
        builder.ConfigureTestServices(ConfigureTestServices);
    }

    public sealed record ProbeBody(string Name, int Quantity);

    /// <summary>Runs before the app's own middleware, as a real connection's address is known before any of it.</summary>
    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers[ClientAddressHeader] is [{ } address])
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(address);
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private sealed class ProbeEndpoints : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.UseRouting();
            app.UseAuthentication();
            app.UseAuthorization();
            app.UsePayTrustIdempotencyKeys();
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
                // A tenant-scoped command, to exercise Idempotency-Key in tenant scope before invoices exist.
                endpoints.MapPost("/_test/tenant-scoped-create", async (ProbeBody body, Mediator.IMediator mediator) =>
                    TypedResults.Created("/tenants", await mediator.Send(new PayTrust.Application.Features.Tenants.CreateTenant(body.Name))))
                    .RequireAuthorization(PayTrust.Api.Security.Policies.Tenant);
                endpoints.MapGet("/_test/crash", IResult () =>
                    throw new InvalidOperationException("SELECT secret FROM internals -- must never reach a client"));
            });
        };
    }
}

public sealed record TestTenant(Guid TenantId, Guid ApiKeyId, string ApiKey);
