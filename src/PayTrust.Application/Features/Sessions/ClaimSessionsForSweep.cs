using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Behaviors;
using PayTrust.Application.Features.Sandbox;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Sessions;

/// <summary>
/// Claims up to <paramref name="Limit"/> attempts due for the session sweep (ADR 31) in one short transaction: locked with
/// SKIP LOCKED, and their next look pushed out by the growing interval before the commit. Another instance therefore never
/// claims them too, and a crash after the commit only delays them to the next look. Sandbox attempts are never claimed:
/// the sandbox's session is PayTrust's own page, closed with the attempt.
/// </summary>
public sealed record ClaimSessionsForSweep(int Limit) : ICommand<IReadOnlyList<SessionSweepCandidate>>, IInnerCommand;

internal sealed class ClaimSessionsForSweepHandler(ISessionSweepRepository sweeps, IClock clock)
    : ICommandHandler<ClaimSessionsForSweep, IReadOnlyList<SessionSweepCandidate>>
{
    public async ValueTask<IReadOnlyList<SessionSweepCandidate>> Handle(ClaimSessionsForSweep command, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var claimed = await sweeps.LockDueAsync(now, now - PaymentAttempt.AbandonedAfter, SandboxCheckoutGateway.GatewayCode, command.Limit, cancellationToken);
        var nextChecks = claimed.Select(candidate => now + SessionSweepSchedule.IntervalAfter(candidate.SweepCount)).ToArray();
        await sweeps.ScheduleNextAsync(claimed, nextChecks, cancellationToken);
        return claimed;
    }
}
