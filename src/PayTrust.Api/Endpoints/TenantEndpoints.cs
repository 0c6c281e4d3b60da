using Mediator;
using PayTrust.Api.Security;
using PayTrust.Application.Features.Tenants;

namespace PayTrust.Api.Endpoints;

public static class TenantEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/tenants").WithTags("Administration").RequireAuthorization(Policies.Admin);

        group.MapPost("/", async (CreateTenantRequest body, IMediator mediator, CancellationToken cancellationToken) =>
        {
            var tenant = await mediator.Send(new CreateTenant(body.Name ?? ""), cancellationToken);
            return TypedResults.Created($"/tenants/{tenant.Id}", tenant);
        })
        .WithName("CreateTenant");

        group.MapGet("/", async (IMediator mediator, CancellationToken cancellationToken) =>
            TypedResults.Ok(new { data = await mediator.Send(new ListTenants(), cancellationToken) }))
        .WithName("ListTenants");
    }

    /// <summary>Tenant-facing: who am I. No database work beyond authentication itself.</summary>
    public static void MapCurrentTenant(IEndpointRouteBuilder app) =>
        app.MapGet("/me", async (IMediator mediator, CancellationToken cancellationToken) =>
            TypedResults.Ok(await mediator.Send(new GetCurrentTenant(), cancellationToken)))
        .WithTags("Tenants")
        .WithName("GetCurrentTenant")
        .RequireAuthorization(Policies.Tenant);

    public sealed record CreateTenantRequest(string? Name);
}
