using Microsoft.Extensions.Logging;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Behaviors;
using PayTrust.Application.Features.Credentials;
using PayTrust.Application.Features.Payments.Rails;
using PayTrust.Application.Features.Sandbox;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Sessions;

/// <summary>
/// Sessions follow the invoice (spec §7.4 step 9, ADR 31), the one place every path closes checkout sessions from: a
/// change of what is due (a draft's revision, a reschedule, money from any channel), a cancellation, a superseded or
/// discarded session. Under the invoice lock the attempt is expired and marked for the session sweep; with no transaction
/// open its session is closed at the gateway that opened it, with the attempt's own tenant's credentials for that
/// gateway, and the mark is cleared once the gateway confirms. A close that fails is logged and left to the sweep, which
/// looks the session up later and closes it, or applies the money if the customer paid it meanwhile.
/// </summary>
public sealed class SessionCloser(
    IPaymentAttemptRepository attempts, ISessionSweepRepository sweeps, GatewayCredentialStore credentialStore, PaymentRails rails,
    AfterCommit afterCommit, ILogger<SessionCloser> logger)
{
    /// <summary>
    /// In the caller's transaction, under the invoice lock: every open session of the invoice that no longer collects what
    /// is due now (all of them once it takes no more payments) is expired, and closed at its gateway after the commit.
    /// </summary>
    public async Task ExpireMismatchedAsync(Invoice invoice, IReadOnlyList<PaymentAttempt> invoiceAttempts, Instant now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(invoiceAttempts);
        var due = invoice.OutstandingDue;
        var stale = invoiceAttempts.Where(attempt => attempt.Status == PaymentAttemptStatus.Pending && !attempt.MatchesDue(due, invoice.Gateway)).ToArray();
        if (stale.Length == 0)
        {
            return;
        }

        var sessions = await ExpireAsync(stale, now, cancellationToken);
        afterCommit.Add(() => CloseAsync(sessions, CancellationToken.None));
    }

    /// <summary>
    /// In the caller's transaction, under the invoice lock: expires the open attempts and marks them for the sweep; returns
    /// their sessions, for the caller to close once no transaction is open (<see cref="CloseAsync"/>).
    /// </summary>
    public async Task<IReadOnlyList<SessionToClose>> ExpireAsync(IReadOnlyList<PaymentAttempt> open, Instant now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(open);
        foreach (var attempt in open)
        {
            attempt.Expire(now);
            await attempts.UpdateAsync(attempt, cancellationToken);
        }

        await MarkAsync(open, now + SessionSweepSchedule.AfterCloseRequested, cancellationToken);
        return open.Select(SessionToClose.Of).ToArray();
    }

    /// <summary>
    /// Marks attempts for the sweep at <paramref name="at"/>. Sandbox sessions are left out: the sandbox's page is PayTrust's
    /// own and closes with the attempt, so there is nothing to look up.
    /// </summary>
    public Task MarkAsync(IEnumerable<PaymentAttempt> marked, Instant at, CancellationToken cancellationToken)
    {
        var atGateways = marked.Where(attempt => IsSwept(attempt.Gateway)).ToArray();
        return atGateways.Length == 0 ? Task.CompletedTask : sweeps.ScheduleAsync(atGateways, at, cancellationToken);
    }

    /// <summary>
    /// With no transaction open: closes each session at the gateway that opened it, with its tenant's credentials for that
    /// gateway. A confirmed close clears the attempt's mark; anything else is logged and left to the sweep. Never throws.
    /// </summary>
    public async Task CloseAsync(IReadOnlyList<SessionToClose> sessions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        foreach (var session in sessions)
        {
            try
            {
                var outcome = await CloseOneAsync(session, cancellationToken);
                if (outcome == RailOutcome.Succeeded)
                {
                    if (IsSwept(session.Gateway))
                    {
                        await sweeps.FinishAsync(session.TenantId, session.AttemptId, cancellationToken);
                    }
                }
                else
                {
                    logger.LogWarning("The {Gateway} session of attempt {AttemptReference} is not closed yet ({Outcome}); the session sweep tries again",
                        session.Gateway, session.Session.Reference, outcome is { } known ? PaymentRails.OutcomeName(known) : "no credentials");
                }
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                logger.LogWarning(failure, "Closing the {Gateway} session of attempt {AttemptReference} failed; the session sweep tries again",
                    session.Gateway, session.Session.Reference);
            }
        }
    }

    /// <summary>
    /// The tenant's own credentials for the gateway: none needed for the sandbox (<c>Found</c> true, null); <c>Found</c> false
    /// when the tenant has removed them.
    /// </summary>
    public async Task<(bool Found, GatewayCredentials? Credentials)> CredentialsAsync(Guid tenantId, string gateway, CancellationToken cancellationToken)
    {
        if (!GatewayCredentialRules.WithCredentials.Contains(gateway))
        {
            return (true, null);
        }

        var found = await credentialStore.FindAsync(tenantId, gateway, cancellationToken);
        return (found is not null, found);
    }

    /// <summary>Whether the sweep looks after a gateway's sessions: every gateway but the built-in sandbox.</summary>
    public static bool IsSwept(string gateway) => gateway != SandboxCheckoutGateway.GatewayCode;

    private async Task<RailOutcome?> CloseOneAsync(SessionToClose session, CancellationToken cancellationToken)
    {
        var (found, credentials) = await CredentialsAsync(session.TenantId, session.Gateway, cancellationToken);
        if (!found)
        {
            return null;
        }

        return (await rails.CloseCheckoutAsync(session.Gateway, session.Session, credentials, cancellationToken)).Outcome;
    }
}

/// <summary>A session to close: whose attempt it is (the tenant whose credentials close it), at which gateway, and the session.</summary>
public sealed record SessionToClose(Guid TenantId, Guid AttemptId, string Gateway, GatewaySession Session)
{
    public static SessionToClose Of(PaymentAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return new SessionToClose(
            attempt.TenantId, attempt.Id, attempt.Gateway,
            new GatewaySession(attempt.Reference, attempt.GatewayReference, attempt.Amount.Currency, attempt.ExpiresAt));
    }
}
