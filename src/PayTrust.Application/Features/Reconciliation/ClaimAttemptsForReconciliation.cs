using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Behaviors;
using PayTrust.Application.Features.Sandbox;

namespace PayTrust.Application.Features.Reconciliation;

/// <summary>
/// Claims up to <paramref name="Limit"/> pending attempts due for a gateway check (spec §7.7) in one short
/// transaction: locked with SKIP LOCKED, and their next check pushed out by the growing interval before the commit.
/// Another instance therefore never claims them too, and a crash after the commit only delays them to the next
/// check. Sandbox attempts are never claimed: the sandbox has no status API (its webhooks are the record, ADR 12).
/// </summary>
public sealed record ClaimAttemptsForReconciliation(int Limit, Duration PendingAfter) : ICommand<IReadOnlyList<ReconciliationCandidate>>, IInnerCommand;

internal sealed class ClaimAttemptsForReconciliationHandler(IReconciliationRepository reconciliation, IClock clock)
    : ICommandHandler<ClaimAttemptsForReconciliation, IReadOnlyList<ReconciliationCandidate>>
{
    public async ValueTask<IReadOnlyList<ReconciliationCandidate>> Handle(ClaimAttemptsForReconciliation command, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var claimed = await reconciliation.LockDueAsync(
            now, now - command.PendingAfter, SandboxCheckoutGateway.GatewayCode, command.Limit, cancellationToken);
        var nextChecks = claimed.Select(candidate => now + ReconciliationSchedule.IntervalAfter(candidate.ReconcileCount)).ToArray();
        await reconciliation.ScheduleNextAsync(claimed, nextChecks, cancellationToken);
        return claimed;
    }
}
