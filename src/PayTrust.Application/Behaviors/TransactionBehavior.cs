using Mediator;
using Microsoft.Extensions.Logging;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Errors;

namespace PayTrust.Application.Behaviors;

/// <summary>
/// Innermost behaviour, commands only: begin, run the handler, commit. A deadlock or lock-wait timeout
/// rolls the whole transaction back and runs it again (at most 3 attempts, waiting 100 ms then 200 ms,
/// ±20 ms jitter), because MariaDB rolls back only the failed statement on a lock timeout.
/// </summary>
public sealed class TransactionBehavior<TMessage, TResponse>(
    IDbSession session, IDatabaseErrors databaseErrors, AfterCommit afterCommit, ILogger<TransactionBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, ICommand<TResponse>
{
    public async ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            afterCommit.Clear();
            await session.BeginAsync(cancellationToken);
            try
            {
                var response = await next(message, cancellationToken);
                // Not the caller's token: the work is done, and a caller that hangs up now must not turn it into a rollback
                // that nobody records (its Idempotency-Key would stay in_progress and the retry be refused for a minute).
                await session.CommitAsync(CancellationToken.None);
                await afterCommit.RunAsync();
                return response;
            }
            catch (Exception failure) when (databaseErrors.Classify(failure) == DatabaseError.LockConflict)
            {
                await session.RollbackAsync(CancellationToken.None);
                if (attempt + 1 >= TransactionRetry.MaxAttempts)
                {
                    throw new PayTrustException(ErrorKind.Conflict, "concurrent_modification", "The resource is being changed by another request; retry later", failure);
                }

                var delay = TransactionRetry.Backoff(attempt);
                logger.LogWarning("{Message} hit a lock conflict; retrying the transaction in {DelayMs} ms (retry {Retry})", typeof(TMessage).Name, delay.TotalMilliseconds, attempt + 1);
                await Task.Delay(delay, cancellationToken);
            }
            catch
            {
                await session.RollbackAsync(CancellationToken.None);
                throw;
            }
        }
    }
}

/// <summary>The retry policy for whole transactions that lost a lock race.</summary>
public static class TransactionRetry
{
    public const int MaxAttempts = 3;

    /// <summary>100 ms after the first attempt, 200 ms after the second, ±20 ms of jitter so racing retries spread out.</summary>
    public static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds((100 << attempt) + Random.Shared.Next(-20, 21));
}
