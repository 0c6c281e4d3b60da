using System.Diagnostics;
using Mediator;
using Microsoft.Extensions.Logging;
using PayTrust.Domain.Errors;

namespace PayTrust.Application.Behaviors;

/// <summary>
/// Outermost behaviour: one line per message with its name, outcome and duration. Logs the message
/// type only, never its contents, which may carry secrets or personal data.
/// </summary>
public sealed class LoggingBehavior<TMessage, TResponse>(ILogger<LoggingBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next(message, cancellationToken);
            // Asked first: the call's arguments are an array and a boxed number, made even when the line is dropped.
            if (logger.IsEnabled(LogLevel.Debug))
            {
                logger.LogDebug("Handled {Message} in {ElapsedMs:0.0} ms", typeof(TMessage).Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return response;
        }
        catch (PayTrustException refusal) when (refusal.IsClientRefusal)
        {
            // An expected refusal (validation, not found, conflict) is information, not an error.
            logger.LogInformation("{Message} refused with {Code} in {ElapsedMs:0.0} ms", typeof(TMessage).Name, refusal.Code, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }
}
