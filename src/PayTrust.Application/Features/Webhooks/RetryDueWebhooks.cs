using Mediator;
using Microsoft.Extensions.Logging;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Errors;

namespace PayTrust.Application.Features.Webhooks;

/// <summary>
/// One pass of the durable webhook retries (spec §7.4 step 5): every retrying event whose time has come is
/// processed again, each in its own transaction, claimed with SKIP LOCKED so several instances share the work.
/// A failure schedules the next retry or, after the third, fails the event for good. Returns how many were tried.
/// </summary>
public sealed record RetryDueWebhooks(int Limit) : IRequest<int>;

internal sealed class RetryDueWebhooksHandler(
    IWebhookEventRepository events, ISender sender, IDatabaseErrors databaseErrors, IClock clock, ILogger<RetryDueWebhooksHandler> logger)
    : IRequestHandler<RetryDueWebhooks, int>
{
    public async ValueTask<int> Handle(RetryDueWebhooks request, CancellationToken cancellationToken)
    {
        var due = await events.DueForRetryAsync(clock.GetCurrentInstant(), request.Limit, cancellationToken);
        foreach (var eventId in due)
        {
            try
            {
                var result = await sender.Send(new ReprocessWebhookEvent(eventId, null, IsScheduledRetry: true), cancellationToken);
                if (result is not null)
                {
                    logger.LogInformation("Retried webhook event {EventId}: {Status} {Outcome}", eventId, result.Status, result.Outcome);
                }
            }
            catch (Exception failure) when (failure is not OperationCanceledException && WebhookRetrySchedule.IsTransient(failure, databaseErrors))
            {
                await sender.Send(new RecordWebhookRetryFailure(eventId, WebhookRetrySchedule.Describe(failure)), CancellationToken.None);
            }
        }

        return due.Count;
    }
}
