using Mediator;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Behaviors;

namespace PayTrust.Application.Features.Webhooks;

/// <summary>
/// Stores an event whose first processing failed transiently, as retrying with its first retry due in a minute,
/// and logs that first failure (spec §7.4 step 5). False when another delivery already stored it.
/// </summary>
public sealed record StoreWebhookForRetry(WebhookEventRecord Event, string Error) : ICommand<bool>, IInnerCommand;

internal sealed class StoreWebhookForRetryHandler(IWebhookEventRepository events) : ICommandHandler<StoreWebhookForRetry, bool>
{
    public async ValueTask<bool> Handle(StoreWebhookForRetry command, CancellationToken cancellationToken)
    {
        var failedAt = command.Event.ReceivedAt;
        var retrying = command.Event with
        {
            Status = WebhookEventStatus.Retrying,
            FirstFailedAt = failedAt,
            NextRetryAt = WebhookRetrySchedule.NextAfter(failedAt, 0),
            LastError = command.Error,
        };
        if (!await events.InsertAsync(retrying, cancellationToken))
        {
            return false;
        }

        await events.AddRetryLogAsync(retrying.Id, 0, failedAt, "failed", command.Error, cancellationToken);
        return true;
    }
}
