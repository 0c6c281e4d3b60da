using Microsoft.Extensions.Logging;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Behaviors;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Payments;

/// <summary>
/// Records money that left a payment (spec §7.4 step 6) — refunds, chargebacks, reversals — against the payment of the
/// entry's own attempt, in the caller's transaction under the invoice row lock. An entry whose payment has not landed
/// yet waits for it (payment_id NULL) and is attached by <see cref="AttachWaitingAsync"/> when the payment is applied.
/// Never more than was paid leaves a payment: a notification's amounts are not covered by every gateway's signature.
/// </summary>
public sealed class MoneyOutRecorder(IPaymentRepository payments, IOutbox outbox, AfterCommit afterCommit, ILogger<MoneyOutRecorder> logger)
{
    /// <summary>The outcome when the entries would take more out of the payment than was paid into it: nothing recorded.</summary>
    public const string ExceedsPayment = "refund_exceeds_payment";

    /// <summary>
    /// Records the entries a notification lists, each once (unique per tenant, gateway, transaction and entry id).
    /// Returns the outcome word: refund_recorded or chargeback_recorded, waiting_for_payment, already_applied, or <see cref="ExceedsPayment"/>.
    /// </summary>
    public async Task<string> RecordAsync(
        Invoice invoice, PaymentAttempt attempt, Payment? payment, MoneyOutKind kind, string gateway, string transactionId,
        IReadOnlyList<GatewayRefund> entries, Instant now, CancellationToken cancellationToken)
    {
        var fresh = new List<GatewayRefund>();
        foreach (var entry in entries)
        {
            if (entry.Amount is { } && !fresh.Exists(seen => seen.RefundId == entry.RefundId)
                && !await payments.RefundExistsAsync(invoice.TenantId, gateway, transactionId, entry.RefundId, cancellationToken))
            {
                fresh.Add(entry);
            }
        }

        if (fresh.Count == 0)
        {
            return "already_applied";
        }

        if (payment is null)
        {
            foreach (var entry in fresh)
            {
                await payments.InsertRefundAsync(Entry(invoice, attempt.Id, null, kind, gateway, transactionId, entry, now), countOnInvoice: false, cancellationToken);
            }

            afterCommit.Add(() =>
            {
                logger.LogWarning("{Count} {Kind} entries for attempt {AttemptReference} arrived before its payment; they wait for it",
                    fresh.Count, MoneyOutKindNames.Of(kind), attempt.Reference);
                return Task.CompletedTask;
            });
            return "waiting_for_payment";
        }

        var refunded = await payments.RefundedAmountAsync(payment.Id, cancellationToken);
        if (refunded + fresh.Sum(entry => entry.Amount!.Value) > payment.Amount.Minor)
        {
            return ExceedsPayment;
        }

        foreach (var entry in fresh)
        {
            await RecordAttachedAsync(invoice, payment, Entry(invoice, attempt.Id, payment, kind, gateway, transactionId, entry, now), now, cancellationToken);
        }

        return $"{MoneyOutKindNames.Of(kind)}_recorded";
    }

    /// <summary>
    /// A payment undone by the gateway after it was made (Midtrans deny after settlement, cancel after capture, a
    /// sandbox failure after payment): all of what is left of the payment leaves as one reversal.
    /// </summary>
    public async Task<string> ReverseAsync(
        Invoice invoice, Payment payment, string transactionId, FailureCode reason, Instant? occurredAt, Instant now, CancellationToken cancellationToken)
    {
        var left = payment.Amount.Minor - await payments.RefundedAmountAsync(payment.Id, cancellationToken);
        if (left <= 0 || await payments.RefundExistsAsync(invoice.TenantId, payment.Gateway!, transactionId, ReversalId, cancellationToken))
        {
            return "already_applied";
        }

        var entry = new GatewayRefund(ReversalId, left, reason.Code, occurredAt);
        await RecordAttachedAsync(
            invoice, payment, Entry(invoice, payment.AttemptId, payment, MoneyOutKind.Reversal, payment.Gateway!, transactionId, entry, now), now, cancellationToken);
        return "reversed";
    }

    /// <summary>
    /// Attaches entries that waited for this payment (read with the invoice lock: same tenant, gateway and transaction) to
    /// it, the payment's own attempt's only, as far as the payment covers them.
    /// </summary>
    public async Task AttachWaitingAsync(Invoice invoice, Payment payment, IReadOnlyList<Refund> waiting, Instant now, CancellationToken cancellationToken)
    {
        var left = payment.Amount.Minor;
        foreach (var entry in waiting.Where(entry => entry.AttemptId == payment.AttemptId).OrderBy(entry => entry.RefundedAt).ThenBy(entry => entry.Id))
        {
            if (entry.Amount.Currency != payment.Amount.Currency || entry.Amount.Minor > left)
            {
                // Left waiting, and said loudly: the gateway reported more money out than this payment brought in.
                afterCommit.Add(() =>
                {
                    logger.LogError("Money-out entry {RefundId} ({Amount} {Currency} minor units) exceeds what is left of payment {PaymentId}; it is not attached",
                        entry.Id, entry.Amount.Minor, entry.Amount.Currency.Code, payment.Id);
                    return Task.CompletedTask;
                });
                continue;
            }

            left -= entry.Amount.Minor;
            await payments.AttachMoneyOutAsync(entry, payment.Id, payment.Applied, cancellationToken);
            await AnnounceAsync(invoice, payment, entry with { PaymentId = payment.Id }, now, cancellationToken);
        }
    }

    /// <summary>A reversal's entry id: one per gateway transaction, since a payment is undone at most once.</summary>
    private const string ReversalId = "reversal";

    private async Task RecordAttachedAsync(Invoice invoice, Payment payment, Refund refund, Instant now, CancellationToken cancellationToken)
    {
        // Money out of a payment that was never applied (it reached a closed invoice) is recorded but does not count on
        // the invoice: amount_refunded sits beside amount_paid, which never held it.
        await payments.InsertRefundAsync(refund, payment.Applied, cancellationToken);
        await AnnounceAsync(invoice, payment, refund, now, cancellationToken);
    }

    private async Task AnnounceAsync(Invoice invoice, Payment payment, Refund refund, Instant now, CancellationToken cancellationToken)
    {
        // refund.recorded when the merchant returned money; payment.reversed when it was taken back without them.
        var type = refund.Kind == MoneyOutKind.Refund ? PaymentEvents.RefundRecorded : PaymentEvents.Reversed;
        await outbox.AddAsync(invoice.TenantId, type, refund.Id,
            new MoneyOutPayload(refund.Id, MoneyOutKindNames.Of(refund.Kind), payment.Id, refund.InvoiceId, refund.Amount.Minor, refund.Amount.Currency.Code,
                refund.Reason, refund.RefundedAt),
            now, cancellationToken);
        afterCommit.Add(() =>
        {
            // A chargeback costs the merchant the money and a fee, and disputes have deadlines: someone must look now.
            var level = refund.Kind == MoneyOutKind.Chargeback ? LogLevel.Critical : LogLevel.Warning;
            logger.Log(level, "{Kind} of {Amount} {Currency} minor units from payment {PaymentId} of invoice {InvoiceId} on {Gateway} ({GatewayRefundId})",
                MoneyOutKindNames.Of(refund.Kind), refund.Amount.Minor, refund.Amount.Currency.Code, payment.Id, refund.InvoiceId, refund.Gateway, refund.GatewayRefundId);
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// An entry belongs to its payment's invoice, which is the attempt's own unless the payment was stranded and then
    /// applied elsewhere (POST /payments/{id}/apply): the money left the invoice that holds the payment now.
    /// </summary>
    private static Refund Entry(
        Invoice invoice, Guid? attemptId, Payment? payment, MoneyOutKind kind, string gateway, string transactionId, GatewayRefund entry, Instant now) => new(
        Guid.CreateVersion7(), invoice.TenantId, payment?.InvoiceId ?? invoice.Id, payment?.Id, attemptId, kind, gateway, transactionId, entry.RefundId,
        new Money(entry.Amount!.Value, payment?.Amount.Currency ?? invoice.Currency), entry.Reason, entry.OccurredAt ?? now, now);
}

/// <summary>What subscribers receive with refund.recorded and payment.reversed.</summary>
public sealed record MoneyOutPayload(
    Guid RefundId, string Kind, Guid PaymentId, Guid InvoiceId, long Amount, string CurrencyCode, string? Reason, Instant RefundedAt);
