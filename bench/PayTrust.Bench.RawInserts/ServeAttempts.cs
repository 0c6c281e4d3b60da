using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace PayTrust.Bench.RawInserts;

/// <summary>
/// raw-attempt-http: the floor of <see cref="TakeAttempts"/> behind a bare Kestrel endpoint at the API's own path,
/// POST /invoices/{id}/payment-attempts, answering 201 with the attempt's id and checkout URL. wrk drives it exactly
/// as it drives create-attempt (same path files, same connections), so this floor also pays for what the SQL-only
/// floor leaves out and no implementation can: HTTP parsing and answering, and wrk itself sharing the machine's cores
/// with the server and the database. No authentication, no mediator, no domain model, no logging.
/// </summary>
internal static class ServeAttempts
{
    public static async Task<int> RunAsync(MySqlDataSource dataSource, Guid tenantId, string urls)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(urls);
        var app = builder.Build();
        var attempts = new TakeAttempts(dataSource, tenantId);
        app.MapGet("/health", () => "ok");
        app.MapPost("/invoices/{id:guid}/payment-attempts", async (Guid id) =>
        {
            var (attemptId, checkoutUrl) = await attempts.TakeAsync(id);
            return Results.Json(new AttemptCreated(attemptId, id, checkoutUrl), statusCode: StatusCodes.Status201Created);
        });
        await app.RunAsync();
        return 0;
    }

    private sealed record AttemptCreated(Guid Id, Guid InvoiceId, string CheckoutUrl);
}
