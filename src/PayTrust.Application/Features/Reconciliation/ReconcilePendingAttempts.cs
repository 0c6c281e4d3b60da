using System.Globalization;
using Mediator;
using Microsoft.Extensions.Logging;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Credentials;
using PayTrust.Application.Features.Payments.Rails;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Reconciliation;

/// <summary>
/// One pass of reconciliation (spec §7.7): claims up to <paramref name="Limit"/> due pending attempts
/// (<see cref="ClaimAttemptsForReconciliation"/>), then, with no transaction open, asks each one's gateway for its
/// status and feeds a paid or refused answer through <see cref="ApplyReconciledStatus"/>, the webhook's apply path.
/// A pending answer or a failed query changes nothing: the claim already scheduled the next, later check.
/// Not a command, so nothing wraps the gateway calls in a transaction. Returns what became of each claimed attempt.
/// </summary>
public sealed record ReconcilePendingAttempts(int Limit, Duration PendingAfter) : IRequest<IReadOnlyList<ReconciledAttempt>>;

/// <summary>
/// What one check concluded: applied, already_applied, attempt_failed, already_closed (the applier's words),
/// pending, or the §7.6 code of a query that failed; error when applying threw.
/// </summary>
public sealed record ReconciledAttempt(Guid AttemptId, string Reference, string Gateway, string Outcome);

internal sealed class ReconcilePendingAttemptsHandler(
    ISender sender, PaymentRails rails, GatewayCredentialStore credentials, ReconciliationMetrics metrics,
    ILogger<ReconcilePendingAttemptsHandler> logger)
    : IRequestHandler<ReconcilePendingAttempts, IReadOnlyList<ReconciledAttempt>>
{
    public async ValueTask<IReadOnlyList<ReconciledAttempt>> Handle(ReconcilePendingAttempts request, CancellationToken cancellationToken)
    {
        var claimed = await sender.Send(new ClaimAttemptsForReconciliation(request.Limit, request.PendingAfter), cancellationToken);
        var results = new List<ReconciledAttempt>(claimed.Count);
        foreach (var candidate in claimed)
        {
            string outcome;
            try
            {
                outcome = await ReconcileAsync(candidate, cancellationToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                // One attempt's trouble (a lock conflict that outlasted the retries, the database gone) must not stop the
                // others; its next check is already scheduled, so it is tried again later.
                logger.LogWarning(failure, "Reconciling attempt {AttemptReference} on {Gateway} failed; it is checked again later",
                    candidate.Reference, candidate.Gateway);
                outcome = "error";
            }

            metrics.Checked(candidate.Gateway, outcome);
            results.Add(new ReconciledAttempt(candidate.AttemptId, candidate.Reference, candidate.Gateway, outcome));
        }

        return results;
    }

    private async Task<string> ReconcileAsync(ReconciliationCandidate candidate, CancellationToken cancellationToken)
    {
        var currency = Currency.Parse(candidate.CurrencyCode);
        GatewayCredentials? tenantCredentials = null;
        if (GatewayCredentialRules.WithCredentials.Contains(candidate.Gateway))
        {
            tenantCredentials = await credentials.FindAsync(candidate.TenantId, candidate.Gateway, cancellationToken);
            if (tenantCredentials is null)
            {
                logger.LogWarning("Cannot reconcile attempt {AttemptReference}: tenant {TenantId} has no {Gateway} credentials any more",
                    candidate.Reference, candidate.TenantId, candidate.Gateway);
                return FailureCode.CredentialsMissing.Code;
            }
        }

        var session = new GatewaySession(candidate.Reference, candidate.GatewayReference, currency, candidate.ExpiresAt);
        var status = await rails.QueryStatusAsync(candidate.Gateway, session, tenantCredentials, cancellationToken);
        GatewayNotification notification;
        GatewayNotification? moneyOut = null;
        switch (status.Outcome)
        {
            case RailOutcome.Succeeded when status.Value is { CurrencyCode: { } otherCurrency, TransactionId: { Length: > 0 } transactionId } answer:
                // Another currency than the attempt's: the applier records the currency mismatch; nothing is applied.
                notification = Notification(
                    candidate.Gateway, candidate.Reference, candidate.CurrencyCode, answer.GatewayStatus, transactionId, PaymentStatusReport.Settled,
                    answer.PaidAmount?.Minor, answer.PaidAt) with
                {
                    CurrencyCode = otherCurrency,
                    AmountAsReceived = answer.AmountAsReceived ?? "",
                };
                break;
            case RailOutcome.Succeeded when status.Value is { PaidAmount: { } paid, TransactionId: { Length: > 0 } transactionId } answer:
                notification = Notification(
                    candidate.Gateway, candidate.Reference, candidate.CurrencyCode, answer.GatewayStatus, transactionId, PaymentStatusReport.Settled,
                    paid.Minor, answer.PaidAt);
                // Paid, and money has left since (a refund, a chargeback): both are booked, the payment first.
                if (answer.MoneyOut.Count > 0)
                {
                    moneyOut = notification with
                    {
                        Kind = NotificationKind.MoneyOut,
                        MoneyOut = answer.MoneyOutKind,
                        Refunds = answer.MoneyOut,
                        RefundId = answer.MoneyOut[^1].RefundId,
                        RefundAmount = answer.MoneyOut[^1].Amount,
                    };
                }

                break;
            case RailOutcome.Succeeded:
                // The rail contract says a paid status carries both; one that does not cannot be applied (or deduplicated).
                logger.LogError("Gateway {Gateway} reported attempt {AttemptReference} paid without an amount or transaction id",
                    candidate.Gateway, candidate.Reference);
                return FailureCode.UnexpectedGatewayResponse.Code;
            case RailOutcome.Failed when IsVerdict(status.Failure!):
                // Expired, declined, cancelled: the attempt is over. The gateway has no transaction id to offer here, and
                // none is needed: a rejection only closes the attempt, which happens once whoever reports it.
                notification = Notification(
                    candidate.Gateway, candidate.Reference, candidate.CurrencyCode, status.Failure!.Code, $"reconcile:{candidate.Reference}",
                    PaymentStatusReport.Rejected(status.Failure!), candidate.Amount, null);
                break;
            case RailOutcome.Failed:
                return status.Failure!.Code;
            default:
                return "pending";
        }

        var outcome = await sender.Send(
            new ApplyReconciledStatus(candidate.TenantId, candidate.InvoiceId, candidate.AttemptId, notification), cancellationToken);
        if (moneyOut is not null && outcome is not null)
        {
            var moneyOutOutcome = await sender.Send(
                new ApplyReconciledStatus(candidate.TenantId, candidate.InvoiceId, candidate.AttemptId, moneyOut), cancellationToken);
            logger.LogInformation("Reconciled money out of attempt {AttemptReference} on {Gateway}: {Outcome}",
                candidate.Reference, candidate.Gateway, moneyOutOutcome?.Outcome ?? "attempt_gone");
        }

        logger.LogInformation("Reconciled attempt {AttemptReference} on {Gateway}: gateway says {GatewayStatus}, {Outcome}",
            candidate.Reference, candidate.Gateway, notification.GatewayStatus, outcome?.Outcome ?? "attempt_gone");
        return outcome?.Outcome ?? "attempt_gone";
    }

    /// <summary>
    /// A permanent failure the gateway states about the payment itself. invalid_request is permanent too, but here it
    /// means our question was refused (Xendit: no invoice with this id) — that says nothing about the customer's money.
    /// </summary>
    private static bool IsVerdict(FailureCode failure) =>
        failure.Category == FailureCategory.Permanent && failure != FailureCode.InvalidRequest;

    /// <summary>A gateway's status answer as the notification the webhook path applies (also the session sweep's, ADR 31).</summary>
    internal static GatewayNotification Notification(
        string gateway, string reference, string currencyCode, string gatewayStatus, string transactionId, PaymentStatusReport report, long? amount,
        Instant? occurredAt) => new()
    {
        Kind = NotificationKind.Payment,
        Gateway = gateway,
        AttemptReference = reference,
        // Never stored (no webhook_events row is written for a status answer); set because every notification has one.
        DedupKey = $"reconcile:{transactionId}:{gatewayStatus}",
        // The id the gateway's webhook carries too (Xendit invoice id, Midtrans transaction_id): payments are unique on
        // it, which is what makes a webhook and reconciliation reporting one payment apply it once.
        GatewayTransactionId = transactionId,
        GatewayStatus = gatewayStatus,
        Status = report,
        // The attempt's currency: an answer in another one is read as such by the caller, a currency mismatch.
        CurrencyCode = currencyCode,
        Amount = amount,
        AmountAsReceived = amount?.ToString(CultureInfo.InvariantCulture) ?? "",
        OccurredAt = occurredAt,
    };
}
