using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Payments;
using PayTrust.Application.Features.Sessions;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Webhooks;

/// <summary>What applying a notification concluded: the stored event's status and outcome word.</summary>
public sealed record NotificationOutcome(string EventStatus, string Outcome)
{
    public static NotificationOutcome Processed(string outcome) => new(WebhookEventStatus.Processed, outcome);

    public static NotificationOutcome Rejected(string outcome) => new(WebhookEventStatus.Rejected, outcome);
}

/// <summary>
/// Applies one verified gateway notification (spec §7.4 steps 3–4, §7.4 step 6) to its invoice, whose row lock the
/// caller holds — whether it came from a webhook, a replay, a durable retry or the reconciliation worker, so they
/// all deduplicate against each other: a gateway transaction is applied once (payments are unique on it).
/// </summary>
public sealed class NotificationApplier(
    PaymentApplier applier, MoneyOutRecorder moneyOut, IInvoiceRepository invoices, IPaymentAttemptRepository attempts, IPaymentRepository payments,
    IOutbox outbox, SessionCloser sessions)
{
    /// <summary>The outcome of a notification that names another session than its attempt's: refused, nothing applied.</summary>
    public const string SessionMismatch = "session_mismatch";

    /// <summary>
    /// Locks the attempt's invoice — reading, in the same round trip, the payment already stored for the notified
    /// gateway transaction — and applies the notification; null when the invoice or the attempt is not there.
    /// </summary>
    public async Task<NotificationOutcome?> LockAndApplyAsync(
        Guid tenantId, Guid invoiceId, Guid attemptId, GatewayNotification notification, PaymentSource source, Guid? eventId, Instant now,
        CancellationToken cancellationToken)
    {
        if (await attempts.LockInvoiceAsync(tenantId, invoiceId, notification.Gateway, notification.GatewayTransactionId, cancellationToken)
                is not var (locked, transactionPayment, waitingMoneyOut)
            || locked.All.FirstOrDefault(candidate => candidate.Id == attemptId) is not { } attempt)
        {
            return null;
        }

        var outcome = await ApplyAsync(locked, attempt, transactionPayment, waitingMoneyOut, notification, source, eventId, now, cancellationToken);
        // Money that changed what is due leaves no other session open for the old amount (spec §7.4 step 9).
        await sessions.ExpireMismatchedAsync(locked.Invoice, locked.All, now, cancellationToken);
        return outcome;
    }

    private async Task<NotificationOutcome> ApplyAsync(
        InvoiceAttempts locked, PaymentAttempt attempt, Payment? transactionPayment, IReadOnlyList<Refund> waitingMoneyOut,
        GatewayNotification notification, PaymentSource source, Guid? eventId, Instant now, CancellationToken cancellationToken)
    {
        var invoice = locked.Invoice;

        // A notification speaks for its own attempt only: one that names another session (another attempt's, or another
        // tenant's, which a checkout URL shows to anyone) changes nothing and blocks nothing (§7.4 step 2). An attempt
        // whose session was never recorded (the gateway's answer was lost, ADR 12) has nothing to compare with: a
        // session the gateway did open for it can still be paid, and what it names is the tenant's own, since dedup keys
        // and transaction ids are scoped to the tenant.
        if (notification.SessionId is { } session && attempt.GatewayReference is { } own && !string.Equals(session, own, StringComparison.Ordinal))
        {
            return NotificationOutcome.Rejected(SessionMismatch);
        }

        // Unsupported (amount unknown) or another currency: the money is not the invoice's to apply (§7.4 step 3).
        if (notification.Amount is not { } minor || notification.CurrencyCode != invoice.Currency.Code)
        {
            if (notification.Kind == NotificationKind.Payment && notification.Status.Status == TxSts.ACSC)
            {
                await RecordCurrencyMismatchAsync(invoice, attempt, transactionPayment, notification, source, eventId, now, cancellationToken);
            }

            return NotificationOutcome.Rejected("currency_mismatch");
        }

        // Money out attaches only to this attempt's own payment, never to a payment the transaction id finds elsewhere.
        var attemptPayment = transactionPayment?.AttemptId == attempt.Id ? transactionPayment : null;
        if (notification.Kind == NotificationKind.MoneyOut)
        {
            return await RecordMoneyOutAsync(invoice, attempt, attemptPayment, notification, now, cancellationToken);
        }

        switch (notification.Status.Status)
        {
            case TxSts.ACSC:
                if (transactionPayment is not null)
                {
                    return NotificationOutcome.Processed("already_applied");
                }

                // An attempt is paid once: Midtrans allows one successful transaction per order_id, and its signature
                // does not cover transaction_id, so a second settlement under a new id is recorded, never applied.
                if (attempt.Status == PaymentAttemptStatus.Succeeded)
                {
                    await payments.InsertDiscrepancyAsync(
                        new Discrepancy(Guid.CreateVersion7(), invoice.TenantId, invoice.Id, null, eventId, DiscrepancyKind.DuplicateSettlement,
                            attempt.Amount, new Money(minor, invoice.Currency), now),
                        cancellationToken);
                    return NotificationOutcome.Rejected("duplicate_settlement");
                }

                var money = new ReceivedMoney(
                    attempt.Rail, notification.Gateway, notification.GatewayTransactionId, null, new Money(minor, invoice.Currency), source,
                    null, notification.OccurredAt ?? now);
                var payment = await applier.ApplyAsync(invoice, attempt, money, eventId, now, cancellationToken);
                // Money out the gateway reported before this payment (a refund notification that overtook the settlement's) now has its payment.
                if (payment is not null && waitingMoneyOut.Count > 0)
                {
                    await moneyOut.AttachWaitingAsync(invoice, payment, waitingMoneyOut, now, cancellationToken);
                }

                // Money for a cancelled or expired invoice is kept but not applied (closed_invoice): the outcome says so.
                return NotificationOutcome.Processed(payment is { Applied: false } ? "recorded_not_applied" : "applied");

            case TxSts.RJCT:
                // A rejection of the very transaction that paid the attempt undoes the payment (Midtrans deny after
                // settlement, cancel after capture): fully_paid stays, and the money that left is recorded as a reversal.
                if (attemptPayment is not null && notification.MayReverse)
                {
                    return NotificationOutcome.Processed(await moneyOut.ReverseAsync(
                        invoice, attemptPayment, notification.GatewayTransactionId, notification.Status.Reason!, notification.OccurredAt, now, cancellationToken));
                }

                if (!attempt.RecordRejection(notification.Status.Reason!, now))
                {
                    return NotificationOutcome.Processed("already_closed");
                }

                await attempts.UpdateAsync(attempt, cancellationToken);
                // Spec §4: failed = the last attempt failed terminally and nothing is paid; an older attempt's refusal changes nothing.
                if (attempt.AttemptNumber == locked.LastAttemptNumber && invoice.Status == InvoiceStatus.Pending && invoice.AmountPaid.Minor == 0)
                {
                    invoice.MarkAttemptFailed(now);
                    await invoices.UpdateAsync(invoice, cancellationToken);
                }

                await outbox.AddAsync(invoice.TenantId, PaymentEvents.Failed, attempt.Id,
                    new PaymentFailedPayload(attempt.Id, invoice.Id, attempt.Reference, attempt.Gateway, notification.Status.Reason!.Code), now, cancellationToken);
                return NotificationOutcome.Processed("attempt_failed");

            default:
                // PDNG / ACCP: nothing changes until the gateway says paid or refused.
                return NotificationOutcome.Processed(notification.Status.Status == TxSts.ACCP ? "awaiting_review" : "pending");
        }
    }

    private async Task RecordCurrencyMismatchAsync(
        Invoice invoice, PaymentAttempt attempt, Payment? transactionPayment, GatewayNotification notification, PaymentSource source, Guid? eventId,
        Instant now, CancellationToken cancellationToken)
    {
        // The received side keeps the gateway's code when it is one we know, and its amount in that currency's minor units.
        var isKnown = Currency.TryParse(notification.CurrencyCode, out var known);
        var receivedCurrency = isKnown ? known : attempt.Amount.Currency;
        var received = new Money(notification.Amount ?? 0, receivedCurrency);

        // Money in a currency PayTrust holds is also kept as a payment, not applied, in that currency (§7.4 step 8), so it
        // is listed by GET /payments?applied=false and can be applied to an open invoice of that currency. Once per gateway
        // transaction: a repeat (Xendit PAID then SETTLED) finds it. An unknown currency has no money to keep: the
        // discrepancy alone records it.
        Guid? paymentId = null;
        if (isKnown && transactionPayment is null && notification.Amount is >= 1 and <= Money.MaxAmount)
        {
            var stranded = new Payment(
                Guid.CreateVersion7(), invoice.TenantId, invoice.Id, attempt.Id, attempt.Rail, notification.Gateway, notification.GatewayTransactionId,
                null, received, source, Applied: false, null, notification.OccurredAt ?? now, now);
            await payments.InsertAsync(stranded, cancellationToken);
            paymentId = stranded.Id;
        }

        await payments.InsertDiscrepancyAsync(
            new Discrepancy(Guid.CreateVersion7(), invoice.TenantId, invoice.Id, paymentId, eventId, DiscrepancyKind.CurrencyMismatch, attempt.Amount, received, now),
            cancellationToken);
    }

    private async Task<NotificationOutcome> RecordMoneyOutAsync(
        Invoice invoice, PaymentAttempt attempt, Payment? payment, GatewayNotification notification, Instant now, CancellationToken cancellationToken)
    {
        // A refund the gateway has not completed (Xendit PENDING, FAILED) moves no money.
        if (notification.Status.Status != TxSts.ACSC)
        {
            return NotificationOutcome.Processed(notification.Status.Status == TxSts.RJCT ? "money_out_not_completed" : "pending");
        }

        var outcome = await moneyOut.RecordAsync(
            invoice, attempt, payment, notification.MoneyOut ?? MoneyOutKind.Refund, notification.Gateway, notification.GatewayTransactionId,
            notification.Refunds, now, cancellationToken);
        return outcome == MoneyOutRecorder.ExceedsPayment ? NotificationOutcome.Rejected(outcome) : NotificationOutcome.Processed(outcome);
    }
}

public sealed record PaymentFailedPayload(Guid AttemptId, Guid InvoiceId, string Reference, string Gateway, string FailureCode);
