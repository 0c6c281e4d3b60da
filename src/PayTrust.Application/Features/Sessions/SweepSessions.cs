using Mediator;
using Microsoft.Extensions.Logging;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Payments.Rails;
using PayTrust.Application.Features.Reconciliation;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Sessions;

/// <summary>
/// One pass of the session sweep (ADR 31): claims up to <paramref name="Limit"/> attempts whose sessions may still be open
/// at their gateway although PayTrust no longer wants them paid (<see cref="ClaimSessionsForSweep"/>) — a close not yet
/// confirmed, a creation that failed in a way that may have opened a session anyway, an attempt abandoned in
/// <c>creating</c> — and, with no transaction open, looks each one up at its gateway with its tenant's credentials (by
/// the gateway's id, or by the attempt's reference when the creation's answer never arrived). Paid: the money goes through
/// <see cref="ApplyReconciledStatus"/>, reconciliation's apply path, so it is applied once whoever reports it. Still open:
/// closed there. Closed, expired or never created: nothing is left to do. Anything else is tried again later (the claim
/// already scheduled it), until a day past the session's own end. Not a command, so nothing wraps the gateway calls in a
/// transaction. Returns what became of each claimed attempt.
/// </summary>
public sealed record SweepSessions(int Limit) : IRequest<IReadOnlyList<SweptSession>>;

/// <summary>
/// What one look concluded: closed, nothing_open, opened_meanwhile, gave_up, the applier's word for paid money (applied,
/// already_applied, recorded_not_applied), not_closed, the §7.6 code of a query that failed, or error when handling threw.
/// </summary>
public sealed record SweptSession(Guid AttemptId, string Reference, string Gateway, string Outcome);

internal sealed class SweepSessionsHandler(
    ISender sender, PaymentRails rails, SessionCloser sessions, ISessionSweepRepository sweeps, IClock clock, ILogger<SweepSessionsHandler> logger)
    : IRequestHandler<SweepSessions, IReadOnlyList<SweptSession>>
{
    public async ValueTask<IReadOnlyList<SweptSession>> Handle(SweepSessions request, CancellationToken cancellationToken)
    {
        var claimed = await sender.Send(new ClaimSessionsForSweep(request.Limit), cancellationToken);
        var results = new List<SweptSession>(claimed.Count);
        foreach (var candidate in claimed)
        {
            string outcome;
            try
            {
                outcome = await SweepAsync(candidate, cancellationToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                // One attempt's trouble must not stop the others; its next look is already scheduled.
                logger.LogWarning(failure, "Sweeping the {Gateway} session of attempt {AttemptReference} failed; it is looked at again later",
                    candidate.Gateway, candidate.Reference);
                outcome = "error";
            }

            results.Add(new SweptSession(candidate.AttemptId, candidate.Reference, candidate.Gateway, outcome));
        }

        return results;
    }

    private async Task<string> SweepAsync(SessionSweepCandidate candidate, CancellationToken cancellationToken)
    {
        if (candidate.Status == "creating" && !await sender.Send(new GiveUpOrphanedAttempt(candidate.TenantId, candidate.InvoiceId, candidate.AttemptId), cancellationToken))
        {
            return await FinishAsync(candidate, "opened_meanwhile", cancellationToken);
        }

        var (found, credentials) = await sessions.CredentialsAsync(candidate.TenantId, candidate.Gateway, cancellationToken);
        if (!found)
        {
            return await NotYetAsync(candidate, FailureCode.CredentialsMissing.Code, cancellationToken);
        }

        var session = new GatewaySession(candidate.Reference, candidate.GatewayReference, Currency.Parse(candidate.CurrencyCode), candidate.ExpiresAt);
        var status = await rails.QueryStatusAsync(candidate.Gateway, session, credentials, cancellationToken);
        switch (status.Outcome)
        {
            case RailOutcome.Succeeded when status.Value is { PaidAmount: { } paid, TransactionId: { Length: > 0 } transactionId } answer:
                // Paid before it could be closed: the customer's money is applied (or, on a closed invoice, recorded) once.
                var notification = ReconcilePendingAttemptsHandler.Notification(
                    candidate.Gateway, candidate.Reference, candidate.CurrencyCode, answer.GatewayStatus, transactionId, PaymentStatusReport.Settled,
                    paid.Minor, answer.PaidAt);
                var applied = await sender.Send(
                    new ApplyReconciledStatus(candidate.TenantId, candidate.InvoiceId, candidate.AttemptId, notification), cancellationToken);
                logger.LogWarning("The {Gateway} session of attempt {AttemptReference}, no longer wanted, was paid: {Outcome}",
                    candidate.Gateway, candidate.Reference, applied?.Outcome ?? "attempt_gone");
                return await FinishAsync(candidate, applied?.Outcome ?? "attempt_gone", cancellationToken);
            case RailOutcome.Succeeded:
                return await NotYetAsync(candidate, FailureCode.UnexpectedGatewayResponse.Code, cancellationToken);
            case RailOutcome.Failed when status.Failure!.Category == FailureCategory.Permanent:
                // Expired, cancelled, declined, or no such session (invalid_request: the creation never reached the gateway).
                return await FinishAsync(candidate, "nothing_open", cancellationToken);
            case RailOutcome.Failed:
                return await NotYetAsync(candidate, status.Failure!.Code, cancellationToken);
        }

        var closed = await rails.CloseCheckoutAsync(candidate.Gateway, session, credentials, cancellationToken);
        return closed.Outcome == RailOutcome.Succeeded
            ? await FinishAsync(candidate, "closed", cancellationToken)
            : await NotYetAsync(candidate, "not_closed", cancellationToken);
    }

    private async Task<string> FinishAsync(SessionSweepCandidate candidate, string outcome, CancellationToken cancellationToken)
    {
        await sweeps.FinishAsync(candidate.TenantId, candidate.AttemptId, cancellationToken);
        return outcome;
    }

    /// <summary>Nothing definite yet: looked at again at the time the claim set, unless the session ended a day ago already.</summary>
    private async Task<string> NotYetAsync(SessionSweepCandidate candidate, string outcome, CancellationToken cancellationToken)
    {
        if (clock.GetCurrentInstant() < candidate.ExpiresAt + SessionSweepSchedule.GiveUpAfter)
        {
            return outcome;
        }

        logger.LogError("Gave up on the {Gateway} session of attempt {AttemptReference} after {Checks} looks ({Outcome}); check it on the gateway's dashboard",
            candidate.Gateway, candidate.Reference, candidate.SweepCount + 1, outcome);
        await sweeps.FinishAsync(candidate.TenantId, candidate.AttemptId, cancellationToken);
        return "gave_up";
    }
}
