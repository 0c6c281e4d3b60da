using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Behaviors;
using PayTrust.Application.Features.Sessions;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Payments;

/// <summary>
/// Step 3 of taking an attempt when the gateway refused or could not be reached: the attempt is failed
/// with the §7.6 code. The invoice is left as it was — no session was handed out, so nothing was initiated. A failure
/// that does not prove the gateway opened nothing (a timeout, a 5xx, an answer we could not read) marks the attempt for
/// the session sweep, which looks the session up by the attempt's reference and closes it if it exists (ADR 31).
/// </summary>
public sealed record RecordCheckoutFailed(Guid TenantId, Guid InvoiceId, Guid AttemptId, FailureCode Failure) : ICommand<PaymentAttemptView?>, IInnerCommand;

internal sealed class RecordCheckoutFailedHandler(IPaymentAttemptRepository attempts, SessionCloser sessions, IClock clock)
    : ICommandHandler<RecordCheckoutFailed, PaymentAttemptView?>
{
    public async ValueTask<PaymentAttemptView?> Handle(RecordCheckoutFailed command, CancellationToken cancellationToken)
    {
        var locked = await attempts.LockInvoiceAsync(command.TenantId, command.InvoiceId, cancellationToken)
            ?? throw Invoices.InvoiceSupport.NotFound(command.InvoiceId);
        if (locked.Active.FirstOrDefault(active => active.Id == command.AttemptId) is not { Status: PaymentAttemptStatus.Creating } attempt)
        {
            return null;
        }

        var now = clock.GetCurrentInstant();
        attempt.Fail(command.Failure, now);
        await attempts.UpdateAsync(attempt, cancellationToken);
        if (MayHaveOpenedSession(command.Failure))
        {
            // Not at once: a gateway still working on the creation when the client gave up has finished by then.
            await sessions.MarkAsync([attempt], now + SessionSweepSchedule.FirstInterval, cancellationToken);
        }

        return PaymentAttemptView.Of(attempt);
    }

    /// <summary>
    /// Whether the creation may have succeeded at the gateway although we hold no answer for it. A refusal (4xx, a missing
    /// or wrong key, a currency or method not enabled) and a 429 created nothing; a timeout, a refused or broken connection
    /// or a server error may have come after the gateway created the session, and an unreadable success certainly did.
    /// </summary>
    internal static bool MayHaveOpenedSession(FailureCode failure) =>
        failure == FailureCode.GatewayTimeout || failure == FailureCode.GatewayUnavailable || failure.Category == FailureCategory.Internal;
}
