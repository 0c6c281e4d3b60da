using System.Text.Json;
using Mediator;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Errors;

namespace PayTrust.Application.Behaviors;

/// <summary>
/// Idempotency-Key for mutating requests (spec §10). For a command it runs inside the transaction behaviour: the key is claimed
/// in a separately committed statement (a concurrent duplicate gets 409 at once), and the response is
/// recorded in the command's own transaction, so a crash can never leave an effect without its record
/// or a record without its effect. A refusal (4xx) is stored and replayed too; any other failure
/// releases the key so the retry runs afresh (its transaction rolled back).
/// A request that spans several transactions around a gateway call (<c>IRequest</c>, e.g. CreatePaymentAttempt)
/// is keyed as a whole: there is no transaction around it, so its response is recorded by itself once it has
/// finished; the inner commands it sends (<see cref="IInnerCommand"/>) are not keyed again.
/// </summary>
public sealed class IdempotencyBehavior<TMessage, TResponse>(IdempotencyRequest request, IIdempotencyStore store, IClock clock)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (!request.IsPresent || message is IInnerCommand or IBaseQuery)
        {
            return await next(message, cancellationToken);
        }

        if (message is IShowsSecretOnce)
        {
            throw new PayTrustException(ErrorKind.BusinessRule, "idempotency_not_supported",
                "This response shows a secret once and cannot be replayed; send the request without Idempotency-Key.");
        }

        if (!request.Claimed)
        {
            var claim = await store.ClaimAsync(request, clock.GetCurrentInstant(), cancellationToken);
            switch (claim.Outcome)
            {
                case ClaimOutcome.Completed:
                    request.Replayed = true;
                    return IdempotentResponse.Replay<TResponse>(claim.ResponseKind!, claim.Response!);
                case ClaimOutcome.InUse:
                    throw new PayTrustException(ErrorKind.Conflict, "idempotency_key_in_use", "A request with this Idempotency-Key is still being processed");
                case ClaimOutcome.FingerprintMismatch:
                    throw new PayTrustException(ErrorKind.BusinessRule, "idempotency_key_reused", "This Idempotency-Key was used for a different request");
            }

            request.Claimed = true;
        }

        TResponse response;
        try
        {
            response = await next(message, cancellationToken);
        }
        catch (PayTrustException refusal) when (refusal.IsClientRefusal)
        {
            await store.CompleteAloneAsync(request, IdempotentResponse.RefusalKind, IdempotentResponse.Serialize(RefusalRecord.Of(refusal)), CancellationToken.None);
            request.Claimed = false;
            throw;
        }
        catch
        {
            // Not a refusal: the transaction rolls back, so nothing happened; free the key for the retry.
            await store.ReleaseAsync(request, CancellationToken.None);
            request.Claimed = false;
            throw;
        }

        // Not the caller's token: the work is done, and a caller that hung up meanwhile must find its answer on retry rather
        // than the key stuck in_progress (a request with no transaction of its own, such as CreatePaymentAttempt, writes
        // this at once; a command's is queued and committed by TransactionBehavior, also without the caller's token).
        await store.CompleteInTransactionAsync(request, IdempotentResponse.ResultKind, IdempotentResponse.Serialize(response), CancellationToken.None);
        return response;
    }
}

/// <summary>A command sent by another use case as one of its steps; the outer request owns the Idempotency-Key.</summary>
public interface IInnerCommand;

internal sealed record RefusalRecord(ErrorKind Kind, string Code, string Message)
{
    public static RefusalRecord Of(PayTrustException refusal) => new(refusal.Kind, refusal.Code, refusal.Message);
}

/// <summary>How stored responses are written and read back.</summary>
public static class IdempotentResponse
{
    public const string ResultKind = "result";
    public const string RefusalKind = "refusal";

    private static readonly JsonSerializerOptions Options = new JsonSerializerOptions().ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static TResponse Replay<TResponse>(string kind, string stored)
    {
        if (kind == RefusalKind)
        {
            var refusal = JsonSerializer.Deserialize<RefusalRecord>(stored, Options)!;
            throw new PayTrustException(refusal.Kind, refusal.Code, refusal.Message);
        }

        return JsonSerializer.Deserialize<TResponse>(stored, Options)!;
    }
}
