using Mediator;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Behaviors;

namespace PayTrust.Application.Features.Webhooks;

/// <summary>
/// Keeps a webhook refused for good (malformed, unknown reference) for the record (spec §7.4): stored as
/// rejected, never retried. Stored once per distinct body; a repeat changes nothing.
/// </summary>
public sealed record RecordRefusedWebhook(WebhookEventRecord Event) : ICommand<bool>, IInnerCommand;

internal sealed class RecordRefusedWebhookHandler(IWebhookEventRepository events) : ICommandHandler<RecordRefusedWebhook, bool>
{
    public async ValueTask<bool> Handle(RecordRefusedWebhook command, CancellationToken cancellationToken) =>
        await events.InsertAsync(command.Event, cancellationToken);
}
