using Mediator;
using PayTrust.Api.Security;
using PayTrust.Application.Features.Routing;

namespace PayTrust.Api.Endpoints;

public static class RoutingEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/routing-rules").WithTags("Gateways").RequireAuthorization(Policies.Tenant);

        group.MapPut("/", async (SetRoutingRulesRequest body, IMediator mediator, CancellationToken cancellationToken) =>
            TypedResults.Ok(await mediator.Send(new SetRoutingRules(body.Rules), cancellationToken)))
            .WithName("SetRoutingRules")
            .WithSummary("Replace the tenant's routing rules: gateway per currency, optionally per payment method.");

        group.MapGet("/", async (IMediator mediator, CancellationToken cancellationToken) =>
            TypedResults.Ok(await mediator.Send(new ListRoutingRules(), cancellationToken)))
            .WithName("ListRoutingRules");
    }

    public sealed record SetRoutingRulesRequest(IReadOnlyList<RoutingRuleInput>? Rules);
}
