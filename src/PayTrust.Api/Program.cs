using PayTrust.Api.Endpoints;
using PayTrust.Api.Errors;
using PayTrust.Api.Hosting;
using PayTrust.Api.Security;
using PayTrust.Infrastructure;
using PayTrust.Infrastructure.Security;
using Serilog;

if (await CommandLine.TryRunAsync(args) is { } exitCode)
{
    return exitCode;
}

// Content root = the binary's folder, so appsettings.json is found whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
// The fail-safe defaults read the environment from configuration ("environment", HostEnvironment in Infrastructure). Pinned
// to the host's own, so a later source — an unprefixed ENVIRONMENT variable, an appsettings key — cannot make a
// Production host look like Development and switch the sandbox on.
builder.Configuration.AddInMemoryCollection([new("environment", builder.Environment.EnvironmentName)]);
builder.AddPayTrustLogging();
builder.Services.AddPayTrust();

var app = builder.Build();

// Settings are checked in this order and the first problem stops the start with one line; none of them prints a secret.
var configuration = app.Configuration;
var development = app.Environment.IsDevelopment();
var settingsProblem = AdminKey.Problem(configuration[AdminKey.ConfigurationName])
    ?? CredentialsKey.Problem(configuration[CredentialsKey.ConfigurationName], development)
    ?? ApiKeyPepper.Problem(configuration[ApiKeyPepper.ConfigurationName], development)
    ?? SandboxSetting.Problem(configuration)
    ?? RateLimitSettings.Problem(configuration)
    ?? ForwardedHeadersSetup.Problem(configuration);
if (settingsProblem is not null)
{
    await Console.Error.WriteLineAsync($"PayTrust cannot start: {settingsProblem}");
    return 1;
}

if (await app.PrepareDatabaseAsync() is { } failure)
{
    await Console.Error.WriteLineAsync($"PayTrust cannot start: {failure}");
    return 1;
}

app.UsePayTrustForwardedHeaders();
// Request logging outermost, so it records the status the client finally got (a throttle's 429 too).
app.UsePayTrustRequestLogging();
// Before the error handler, authentication and every endpoint: a refused address costs no key check, database
// work or body read, and the failure count sees the status the client finally got.
app.UsePayTrustClientAddressThrottling();
app.UsePayTrustErrors();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UsePayTrustIdempotencyKeys();

OperationsEndpoints.Map(app);
GatewayEndpoints.Map(app);
TenantEndpoints.Map(app);
TenantEndpoints.MapCurrentTenant(app);
ApiKeyEndpoints.Map(app);
InvoiceEndpoints.Map(app);
EventEndpoints.Map(app);
RoutingEndpoints.Map(app);
PaymentEndpoints.Map(app);
InvoicePaymentEndpoints.Map(app);
TenantPaymentEndpoints.Map(app);
ReportEndpoints.Map(app);
WebhookEndpoints.Map(app);
if (app.Services.GetRequiredService<PayTrust.Application.Abstractions.IPlatformSettings>().SandboxEnabled)
{
    SandboxEndpoints.Map(app);
}
app.MapPayTrustApiDocs();

try
{
    await app.RunAsync();
    return 0;
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>The entry point type, visible to WebApplicationFactory in the API tests.</summary>
public partial class Program;
