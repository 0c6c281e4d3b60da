using Mediator;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using PayTrust.Api.Security;
using PayTrust.Application.Features.ApiKeys;

namespace PayTrust.Api.Endpoints;

public static class ApiKeyEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api-keys").WithTags("Administration").RequireAuthorization(Policies.Admin);

        group.MapPost("/", async (CreateApiKeyRequest body, IMediator mediator, CancellationToken cancellationToken) =>
        {
            var key = await mediator.Send(new CreateApiKey(body.TenantId ?? Guid.Empty, body.Description), cancellationToken);
            return TypedResults.Created($"/api-keys/{key.Id}", key);
        })
        .WithName("CreateApiKey")
        .WithSummary("A new API key for a tenant; the key is shown in this response only.");

        group.MapPut("/{id:guid}/rotate", async (Guid id, [FromBody] RotateApiKeyRequest? body, IMediator mediator, CancellationToken cancellationToken) =>
            TypedResults.Ok(await mediator.Send(new RotateApiKey(id, body?.GraceSeconds ?? 0), cancellationToken)))
        .WithName("RotateApiKey")
        .WithSummary("Replace a key; the old one keeps working for grace_seconds (0–86400, default 0).");

        group.MapDelete("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken cancellationToken) =>
        {
            await mediator.Send(new RevokeApiKey(id), cancellationToken);
            return TypedResults.NoContent();
        })
        .WithName("RevokeApiKey");

        group.MapGet("/audit", async (
            IMediator mediator,
            CancellationToken cancellationToken,
            [FromQuery] int? page,
            [FromQuery(Name = "page_size")] int? pageSize,
            [FromQuery(Name = "start_date")] DateTimeOffset? startDate,
            [FromQuery(Name = "end_date")] DateTimeOffset? endDate,
            [FromQuery(Name = "api_key_id")] Guid? apiKeyId,
            [FromQuery] string? operation) =>
            TypedResults.Ok(await mediator.Send(
                new ListApiKeyAudit(page ?? 1, pageSize ?? 50, ToInstant(startDate), ToInstant(endDate), apiKeyId, operation),
                cancellationToken)))
        .WithName("ListApiKeyAudit");
    }

    private static Instant? ToInstant(DateTimeOffset? value) => value is { } v ? Instant.FromDateTimeOffset(v) : null;

    public sealed record CreateApiKeyRequest(Guid? TenantId, string? Description);

    public sealed record RotateApiKeyRequest(int? GraceSeconds);
}
