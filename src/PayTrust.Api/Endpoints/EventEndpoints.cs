using Mediator;
using Microsoft.AspNetCore.Mvc;
using PayTrust.Api.Security;
using PayTrust.Application.Features.Events;

namespace PayTrust.Api.Endpoints;

public static class EventEndpoints
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/events", async (
            IMediator mediator,
            CancellationToken cancellationToken,
            [FromQuery] int? page,
            [FromQuery(Name = "page_size")] int? pageSize,
            [FromQuery] string? type,
            [FromQuery(Name = "subject_id")] Guid? subjectId) =>
            TypedResults.Ok(await mediator.Send(new ListEvents(page ?? 1, pageSize ?? 50, type, subjectId), cancellationToken)))
        .WithTags("Events")
        .WithName("ListEvents")
        .WithSummary("The tenant's events (the outbox), newest first.")
        .RequireAuthorization(Policies.Tenant);
}
