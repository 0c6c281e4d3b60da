using Mediator;
using PayTrust.Api.Hosting;
using PayTrust.Application.Features.Operations;

namespace PayTrust.Api.Endpoints;

public static class OperationsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/").WithTags("Operations");

        // Probes are answered even to an address over its failed-authentication budget: behind a proxy that is not
        // listed in PayTrust:ForwardedHeaders:KnownProxies the load balancer's probes share that address with every client.
        // Liveness: the process answers. Deliberately touches nothing else.
        group.MapGet("/health", () => TypedResults.Ok(new HealthStatus("healthy")))
            .ExemptFromFailedAuthThrottle()
            .WithName("Health");

        // Readiness: the database answers and every migration is applied.
        group.MapGet("/ready", async Task<IResult> (IMediator mediator, CancellationToken cancellationToken) =>
        {
            var readiness = await mediator.Send(new GetReadiness(), cancellationToken);
            return readiness.Status == "ready"
                ? TypedResults.Ok(readiness)
                : TypedResults.Json(readiness, statusCode: StatusCodes.Status503ServiceUnavailable);
        })
        .ExemptFromFailedAuthThrottle()
        .WithName("Ready")
        .Produces<Readiness>()
        .Produces<Readiness>(StatusCodes.Status503ServiceUnavailable);
    }

    public sealed record HealthStatus(string Status);
}
