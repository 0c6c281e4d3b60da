using PayTrust.Api.Endpoints;
using PayTrust.Api.Errors;
using PayTrust.Api.Hosting;
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

if (await app.PrepareDatabaseAsync() is { } failure)
{
    await Console.Error.WriteLineAsync($"PayTrust cannot start: {failure}");
    return 1;
}

app.UsePayTrustErrors();
app.UsePayTrustRequestLogging();

OperationsEndpoints.Map(app);
GatewayEndpoints.Map(app);
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
