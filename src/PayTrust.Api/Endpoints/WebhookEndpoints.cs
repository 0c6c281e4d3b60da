using Mediator;
using Microsoft.AspNetCore.Http.Features;
using PayTrust.Api.Hosting;
using PayTrust.Api.Security;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Webhooks;
using PayTrust.Domain.Errors;

namespace PayTrust.Api.Endpoints;

/// <summary>
/// Gateways call back here (spec §7.4): no API key — the signature is the credential — and the body is read raw,
/// because the signatures cover the exact bytes sent. Plus the failed-webhook list and replay for operators.
/// </summary>
public static class WebhookEndpoints
{
    /// <summary>Spec §7.4: a webhook body is at most 256 KiB; more is 413 before anything is read.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/{gateway}", async (string gateway, HttpRequest request, IMediator mediator, CancellationToken cancellationToken) =>
            {
                var body = await ReadBodyAsync(request, cancellationToken);
                var headers = new WebhookHeaders(request.Headers.Select(header => new KeyValuePair<string, string?>(header.Key, header.Value.ToString())));
                var recordRefusals = request.HttpContext.Features.Get<RefusedWebhooksNotRecorded>() is null;
                var receipt = await mediator.Send(new ReceiveWebhook(gateway, body, headers, recordRefusals), cancellationToken);
                return receipt.Result == WebhookReceiptResult.Duplicate
                    ? Results.Ok(new { status = "duplicate" })
                    : Results.Ok(new { status = receipt.EventStatus, outcome = receipt.Outcome, event_id = receipt.EventId });
            })
            .LimitedPerClientAddress(AnonymousTraffic.Webhook)
            .WithTags("Webhooks")
            .WithSummary("Gateway notifications: verified on the raw body, deduplicated, applied exactly once");

        app.MapGet("/webhooks/failed", async (IMediator mediator, CancellationToken cancellationToken, int? page, int? page_size) =>
                TypedResults.Ok(await mediator.Send(new ListFailedWebhooks(page ?? 1, page_size ?? 50), cancellationToken)))
            .RequireAuthorization(Policies.TenantOrAdmin)
            .WithTags("Webhooks")
            .WithSummary("Webhook events that could not be applied: retrying, failed for good, or refused (tenant: its own; admin: all)");

        app.MapPost("/webhooks/events/{id:guid}/replay", async (Guid id, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new ReplayWebhookEvent(id), cancellationToken)))
            .RequireAuthorization(Policies.TenantOrAdmin)
            .WithTags("Webhooks")
            .WithSummary("Process a stored webhook event again now");
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            throw new BadHttpRequestException("Webhook body too large", StatusCodes.Status413PayloadTooLarge);
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBodyBytes)
        {
            throw new BadHttpRequestException("Webhook body too large", StatusCodes.Status413PayloadTooLarge);
        }

        return buffer.Length == 0
            ? throw new PayTrustException(ErrorKind.InvalidInput, "malformed_payload", "The webhook body is empty")
            : buffer.ToArray();
    }
}
