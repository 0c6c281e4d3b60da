using Mediator;
using PayTrust.Api.Security;
using PayTrust.Application.Features.Credentials;
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

        // {code} names a platform gateway; the credentials are always the caller's own.
        group.MapPut("/{code}/credentials", async (string code, GatewayCredentialsRequest body, IMediator mediator, CancellationToken cancellationToken) =>
            TypedResults.Ok(await mediator.Send(new SetGatewayCredentials(code, body.Mode, body.SecretKey, body.CallbackToken, body.ServerKey), cancellationToken)))
            .WithName("SetGatewayCredentials")
            .WithSummary("Store this tenant's credentials for a gateway (encrypted at rest; answered redacted).");

        group.MapGet("/{code}/credentials", async (string code, IMediator mediator, CancellationToken cancellationToken) =>
            TypedResults.Ok(await mediator.Send(new GetGatewayCredentials(code), cancellationToken)))
            .WithName("GetGatewayCredentials")
            .WithSummary("This tenant's credentials for a gateway, redacted.");
    }

    public sealed record GatewayCredentialsRequest(string? Mode, string? SecretKey, string? CallbackToken, string? ServerKey);

    /// <summary>Lists are wrapped in <c>data</c> so they can grow pagination without breaking clients.</summary>
    public sealed record GatewayList(IReadOnlyList<GatewayView> Data);
}
