using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Behaviors;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Payments;

/// <summary>
/// Step 3 of taking an attempt when the gateway refused or could not be reached: the attempt is failed
/// with the §7.6 code. The invoice is left as it was — no session was ever open, so nothing was initiated.
/// </summary>
public sealed record RecordCheckoutFailed(Guid TenantId, Guid InvoiceId, Guid AttemptId, FailureCode Failure) : ICommand<PaymentAttemptView?>, IInnerCommand;

internal sealed class RecordCheckoutFailedHandler(IPaymentAttemptRepository attempts, IClock clock)
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

        attempt.Fail(command.Failure, clock.GetCurrentInstant());
        await attempts.UpdateAsync(attempt, cancellationToken);
        return PaymentAttemptView.Of(attempt);
    }
}
