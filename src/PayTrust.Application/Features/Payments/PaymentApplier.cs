using Microsoft.Extensions.Logging;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Behaviors;
using PayTrust.Application.Features.Payments.Rails;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Payments;

/// <summary>Event types for payments and refunds (spec §9).</summary>
public static class PaymentEvents
{
    public const string Succeeded = "payment.succeeded";
    public const string Failed = "payment.failed";
    public const string RefundRecorded = "refund.recorded";
    public const string Reversed = "payment.reversed";
    public const string WebhookFailed = "webhook.failed";
}

/// <summary>Money to apply: the payment as it will be stored, less what the applier decides (applied or not).</summary>
public sealed record ReceivedMoney(
    string Rail, string? Gateway, string? GatewayTransactionId, string? Reference, Money Amount, PaymentSource Source, string? Note, Instant PaidAt);

/// <summary>
/// The one path by which money reaches an invoice (spec §5, §7.4 step 4, §7.5), for webhooks, reconciliation and
/// merchant-recorded payments alike. The caller holds the invoice row lock and has checked the currency and that
/// the money is not already applied. In the caller's transaction: the payment row, the invoice's installments,
/// amounts and status (through the domain), the attempt, discrepancy rows and the outbox events.
/// </summary>
public sealed class PaymentApplier(
    IInvoiceRepository invoices, IPaymentAttemptRepository attempts, IPaymentRepository payments, IOutbox outbox,
    AfterCommit afterCommit, PaymentMetrics metrics, ILogger<PaymentApplier> logger)
{
    public async Task<Payment?> ApplyAsync(
        Invoice invoice, PaymentAttempt? attempt, ReceivedMoney money, Guid? webhookEventId, Instant now, CancellationToken cancellationToken)
    {
        var dueBefore = invoice.AmountDue;
        var applied = invoice.CanApplyMoney;
        var payment = new Payment(
            Guid.CreateVersion7(), invoice.TenantId, invoice.Id, attempt?.Id, money.Rail, money.Gateway, money.GatewayTransactionId,
            money.Reference, money.Amount, money.Source, applied, money.Note, money.PaidAt, now);
        if (!await payments.InsertAsync(payment, cancellationToken))
        {
            return null;
        }

        if (applied)
        {
            invoice.ApplyPayment(money.Amount, now);
            await invoices.UpdateAsync(invoice, cancellationToken);
        }

        if (attempt is not null && attempt.MarkPaid(now))
        {
            await attempts.UpdateAsync(attempt, cancellationToken);
        }

        if (DiscrepancyFor(invoice, attempt, payment, dueBefore, webhookEventId, now) is { } discrepancy)
        {
            await payments.InsertDiscrepancyAsync(discrepancy, cancellationToken);
        }

        await outbox.AddAsync(invoice.TenantId, PaymentEvents.Succeeded, payment.Id, PaymentEventPayload.Of(payment, invoice), now, cancellationToken);
        // Counted and logged once committed: a transaction that rolls back (or is retried) received nothing. The
        // merchant's reference and note stay out of the log; the ids lead to them.
        afterCommit.Add(() =>
        {
            var source = PaymentSourceNames.Of(payment.Source);
            metrics.RecordReceived(payment.Rail, payment.Gateway, source, payment.Applied);
            logger.LogInformation(
                "Payment {PaymentId} for invoice {InvoiceId} on {Rail}/{Gateway} from {Source}: {Amount} {Currency} minor units, {Outcome}",
                payment.Id, payment.InvoiceId, payment.Rail, payment.Gateway ?? "none", source,
                payment.Amount.Minor, payment.Amount.Currency.Code, payment.Applied ? "applied" : "not applied (invoice closed)");
            return Task.CompletedTask;
        });
        return payment;
    }

    /// <summary>
    /// Stranded money — recorded, not applied, because it arrived for a closed invoice or in another currency — applied to
    /// an open invoice of the tenant in its currency (spec §7.4 step 8) by the same steps as money arriving now: the
    /// invoice's installments, amounts and status through the domain, an overpayment discrepancy for money beyond what it
    /// owed, and payment.succeeded (now applied, naming this invoice). The payment row moves to the invoice and keeps where
    /// and when it was first recorded. The caller holds the payment row's lock, then the invoice's.
    /// </summary>
    public async Task<Payment> ApplyStrandedAsync(Invoice invoice, Payment stranded, Instant now, CancellationToken cancellationToken)
    {
        var dueBefore = invoice.AmountDue;
        var payment = stranded.ApplyTo(invoice, now);
        invoice.ApplyPayment(payment.Amount, now);
        await payments.ApplyStrandedAsync(stranded, payment, cancellationToken);
        await invoices.UpdateAsync(invoice, cancellationToken);
        if (DiscrepancyFor(invoice, null, payment, dueBefore, null, now) is { } discrepancy)
        {
            await payments.InsertDiscrepancyAsync(discrepancy, cancellationToken);
        }

        await outbox.AddAsync(invoice.TenantId, PaymentEvents.Succeeded, payment.Id, PaymentEventPayload.Of(payment, invoice), now, cancellationToken);
        // Not counted as received again: it was when it arrived.
        afterCommit.Add(() =>
        {
            logger.LogInformation(
                "Stranded payment {PaymentId} of {Amount} {Currency} minor units moved from invoice {OriginalInvoiceId} to invoice {InvoiceId} and applied",
                payment.Id, payment.Amount.Minor, payment.Amount.Currency.Code, stranded.InvoiceId, payment.InvoiceId);
            return Task.CompletedTask;
        });
        return payment;
    }

    /// <summary>
    /// Money for a closed invoice is a closed_invoice discrepancy. A gateway payment is compared with what its
    /// attempt asked for, or with what was still due when that is less (other money arrived since the attempt
    /// opened): a payment to an invoice already paid is an overpayment, never an underpayment of the attempt. More
    /// than the attempt asked for but no more than the invoice still owed is carried_forward (on an installment plan
    /// the excess pays the next installments, spec §5). Only money beyond what the invoice owed is an overpayment, and
    /// it is compared with what was due, so the overpayment differences add up to the invoice's overpayment. A
    /// merchant's (no attempt) is compared with what was still due, so only an overpayment shows.
    /// </summary>
    private static Discrepancy? DiscrepancyFor(Invoice invoice, PaymentAttempt? attempt, Payment payment, Money dueBefore, Guid? eventId, Instant now)
    {
        var expected = attempt is null ? dueBefore : attempt.Amount < dueBefore ? attempt.Amount : dueBefore;
        var (kind, comparedWith) = !payment.Applied ? (DiscrepancyKind.ClosedInvoice, expected)
            : payment.Amount < expected ? (attempt is null ? ((DiscrepancyKind?)null, expected) : (DiscrepancyKind.Underpayment, expected))
            : payment.Amount > dueBefore ? (DiscrepancyKind.Overpayment, dueBefore)
            : payment.Amount > expected ? (DiscrepancyKind.CarriedForward, expected)
            : (null, expected);
        return kind is { } found
            ? new Discrepancy(Guid.CreateVersion7(), invoice.TenantId, invoice.Id, payment.Id, eventId, found, comparedWith, payment.Amount, now)
            : null;
    }
}

/// <summary>What subscribers receive with payment.succeeded: the payment and the invoice right after it.</summary>
public sealed record PaymentEventPayload(
    Guid PaymentId, Guid InvoiceId, Guid? AttemptId, long Amount, string CurrencyCode, string Rail, string? Gateway,
    string? GatewayTransactionId, string? Reference, string Source, bool Applied, Instant PaidAt,
    string InvoiceStatus, long InvoiceAmountPaid, long InvoiceAmountDue, long InvoiceOverpaymentAmount)
{
    public static PaymentEventPayload Of(Payment payment, Invoice invoice) => new(
        payment.Id, payment.InvoiceId, payment.AttemptId, payment.Amount.Minor, payment.Amount.Currency.Code, payment.Rail, payment.Gateway,
        payment.GatewayTransactionId, payment.Reference, PaymentSourceNames.Of(payment.Source), payment.Applied, payment.PaidAt,
        StatusNames.Of(invoice.Status), invoice.AmountPaid.Minor, invoice.AmountDue.Minor, invoice.Overpayment.Minor);
}
