using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Behaviors;
using PayTrust.Application.Features.Invoices;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Sessions;

/// <summary>
/// Before the session sweep looks for the session of an attempt abandoned in <c>creating</c> (ADR 31), the attempt is given
/// up under the invoice lock (failed, internal_error, as a later attempt would give it up): a recording of the gateway's
/// answer that still arrives then finds it given up and closes the session itself, rather than handing out one the sweep
/// is closing. False when the attempt was opened meanwhile after all: its session is wanted, and not the sweep's to close.
/// </summary>
public sealed record GiveUpOrphanedAttempt(Guid TenantId, Guid InvoiceId, Guid AttemptId) : ICommand<bool>, IInnerCommand;

internal sealed class GiveUpOrphanedAttemptHandler(IPaymentAttemptRepository attempts, IClock clock) : ICommandHandler<GiveUpOrphanedAttempt, bool>
{
    public async ValueTask<bool> Handle(GiveUpOrphanedAttempt command, CancellationToken cancellationToken)
    {
        var locked = await attempts.LockInvoiceAsync(command.TenantId, command.InvoiceId, cancellationToken)
            ?? throw InvoiceSupport.NotFound(command.InvoiceId);
        switch (locked.All.FirstOrDefault(attempt => attempt.Id == command.AttemptId))
        {
            case { Status: PaymentAttemptStatus.Creating } orphan:
                orphan.Abandon(clock.GetCurrentInstant());
                await attempts.UpdateAsync(orphan, cancellationToken);
                return true;
            case { Status: PaymentAttemptStatus.Pending }:
                return false;
            default:
                return true;
        }
    }
}
