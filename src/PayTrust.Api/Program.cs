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
builder.AddPayTrustLogging();
builder.Services.AddPayTrust();

var app = builder.Build();

if (AdminKey.Problem(app.Configuration[AdminKey.ConfigurationName]) is { } adminKeyProblem)
{
    await Console.Error.WriteLineAsync($"PayTrust cannot start: {adminKeyProblem}");
    return 1;
}

if (CredentialsKey.Problem(app.Configuration[CredentialsKey.ConfigurationName], app.Environment.IsDevelopment()) is { } credentialsKeyProblem)
{
    await Console.Error.WriteLineAsync($"PayTrust cannot start: {credentialsKeyProblem}");
    return 1;
}

if (ApiKeyPepper.Problem(app.Configuration[ApiKeyPepper.ConfigurationName], app.Environment.IsDevelopment()) is { } pepperProblem)
{
    await Console.Error.WriteLineAsync($"PayTrust cannot start: {pepperProblem}");
    return 1;
}

if (SandboxSetting.Problem(app.Configuration) is { } sandboxProblem)
{
    await Console.Error.WriteLineAsync($"PayTrust cannot start: {sandboxProblem}");
    return 1;
}

if (await app.PrepareDatabaseAsync() is { } failure)
{
    await Console.Error.WriteLineAsync($"PayTrust cannot start: {failure}");
    return 1;
}

// Request logging outermost, so it records the status the client finally got.
app.UsePayTrustRequestLogging();
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
