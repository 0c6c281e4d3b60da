using Mediator;
using PayTrust.Api.Security;
using PayTrust.Application.Features.Gateways;

namespace PayTrust.Api.Endpoints;

public static class GatewayEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/gateways").WithTags("Gateways").RequireAuthorization(Policies.Tenant);

        group.MapGet("/", async (IMediator mediator, CancellationToken cancellationToken) =>
            TypedResults.Ok(new GatewayList(await mediator.Send(new ListGateways(), cancellationToken))))
            .WithName("ListGateways")
            .WithSummary("The gateways, the currencies each accepts, and the fee rule per currency.");
    }

    /// <summary>Lists are wrapped in <c>data</c> so they can grow pagination without breaking clients.</summary>
    public sealed record GatewayList(IReadOnlyList<GatewayView> Data);
}
