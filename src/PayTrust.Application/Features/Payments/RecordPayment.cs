using FluentValidation;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;
using PayTrust.Application.Features.Invoices;
using PayTrust.Application.Features.Payments.Rails;
using PayTrust.Application.Features.Sessions;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Payments;

/// <summary>
/// POST /invoices/{id}/payments (spec §7.5): the merchant records money that reached it outside a gateway (a bank
/// transfer, a manual settlement). It goes through <see cref="PaymentApplier"/> like gateway money. The reference is
/// unique per tenant: recording it again for the same invoice returns the first payment (200), for another invoice
/// is 409 payment_reference_reused. A checkout session left open for an amount no longer due is closed at its gateway
/// (spec §7.4 step 9): paid by bank transfer, an invoice must not stay payable by card.
/// </summary>
public sealed record RecordPayment(
    Guid InvoiceId, long? Amount, string? CurrencyCode, string? Reference, string? Rail, Instant? PaidAt, string? Note)
    : ICommand<RecordedPayment>;

/// <summary>The payment, and whether this request recorded it (201) or found it recorded before (200).</summary>
public sealed record RecordedPayment(PaymentView Payment, bool Created);

/// <summary>A payment and the invoice's amounts right after it (for a repeat: as they are now).</summary>
public sealed record PaymentView(
    Guid Id,
    Guid InvoiceId,
    long Amount,
    string CurrencyCode,
    string Rail,
    string? Gateway,
    string? GatewayTransactionId,
    string? Reference,
    string Source,
    bool Applied,
    string? Note,
    Instant PaidAt,
    Instant RecordedAt,
    PaymentInvoiceView Invoice)
{
    public static PaymentView Of(Payment payment, Invoice invoice) => new(
        payment.Id, payment.InvoiceId, payment.Amount.Minor, payment.Amount.Currency.Code, payment.Rail, payment.Gateway,
        payment.GatewayTransactionId, payment.Reference, PaymentSourceNames.Of(payment.Source), payment.Applied, payment.Note,
        payment.PaidAt, payment.RecordedAt,
        new PaymentInvoiceView(StatusNames.Of(invoice.Status), invoice.AmountPaid.Minor, invoice.AmountDue.Minor, invoice.Overpayment.Minor));
}

public sealed record PaymentInvoiceView(string Status, long AmountPaid, long AmountDue, long OverpaymentAmount);

internal sealed class RecordPaymentValidator : AbstractValidator<RecordPayment>
{
    public const int MaxReferenceLength = 255;
    public const int MaxNoteLength = 1000;

    /// <summary>A merchant's clock may run a little ahead of ours; more than this ahead is a mistake, not skew.</summary>
    public static readonly Duration ClockSkew = Duration.FromMinutes(5);

    /// <summary>Before this, a paid_at is a typo (and DATETIME cannot hold every year a client can send).</summary>
    public static readonly Instant EarliestPaidAt = Instant.FromUtc(2000, 1, 1, 0, 0);

    public RecordPaymentValidator(IClock clock, RailCatalog rails)
    {
        // One Must per field: WithErrorCode names the code of the rule before it only, so a NotNull in front would fail with FluentValidation's own code.
        RuleFor(c => c.Amount).Must(amount => amount is >= 1 and <= Money.MaxAmount)
            .WithErrorCode("invalid_amount")
            .WithMessage($"amount must be a whole number of minor units from 1 to {Money.MaxAmount}");
        RuleFor(c => c.CurrencyCode).ValidCurrency();
        RuleFor(c => c.Reference).Must(reference => !string.IsNullOrWhiteSpace(reference) && reference.Length <= MaxReferenceLength)
            .WithErrorCode("invalid_reference")
            .WithMessage($"reference must be 1 to {MaxReferenceLength} characters");
        RuleFor(c => c.Rail).Must(rails.IsMerchantRecordable)
            .WithErrorCode("invalid_rail")
            .WithMessage((_, rail) => $"Invalid rail: {rail} - must be {string.Join(" or ", rails.MerchantRecordable)}");
        RuleFor(c => c.PaidAt)
            .Must(paidAt => paidAt is not { } at || (at >= EarliestPaidAt && at <= clock.GetCurrentInstant() + ClockSkew))
            .WithErrorCode("invalid_paid_at")
            .WithMessage("paid_at cannot be in the future (or before 2000-01-01)");
        RuleFor(c => c.Note).MaximumLength(MaxNoteLength)
            .WithErrorCode("invalid_note")
            .WithMessage($"note must be at most {MaxNoteLength} characters");
    }
}

internal sealed class RecordPaymentHandler(
    IPaymentAttemptRepository attempts, IPaymentRepository payments, PaymentApplier applier, SessionCloser sessions, ICallerContext caller, IClock clock)
    : ICommandHandler<RecordPayment, RecordedPayment>
{
    public async ValueTask<RecordedPayment> Handle(RecordPayment command, CancellationToken cancellationToken)
    {
        var tenantId = caller.RequireTenant();
        // The invoice lock first: every writer of its money takes it, and the reads below begin after it, so they are current.
        var locked = await attempts.LockInvoiceAsync(tenantId, command.InvoiceId, cancellationToken)
            ?? throw InvoiceSupport.NotFound(command.InvoiceId);
        var invoice = locked.Invoice;
        var reference = command.Reference!;

        if (await payments.FindByReferenceAsync(tenantId, reference, cancellationToken) is { } earlier)
        {
            return earlier.InvoiceId == invoice.Id
                ? new RecordedPayment(PaymentView.Of(earlier, invoice), Created: false)
                : throw ReferenceReused(reference);
        }

        var currency = Currency.Parse(command.CurrencyCode);
        if (currency != invoice.Currency)
        {
            throw new PayTrustException(ErrorKind.BusinessRule, "currency_mismatch",
                $"Payment currency {currency.Code} does not match the invoice currency {invoice.Currency.Code}");
        }

        // Unlike a gateway's money (recorded as a closed_invoice discrepancy: the customer has paid), the merchant is
        // here to be told: nothing is recorded.
        if (!invoice.CanApplyMoney)
        {
            throw new PayTrustException(ErrorKind.Conflict, "invoice_not_payable",
                $"Invoice is {StatusNames.Of(invoice.Status)} and cannot take payments");
        }

        var now = clock.GetCurrentInstant().ToStoragePrecision();
        var money = new ReceivedMoney(
            command.Rail!, Gateway: null, GatewayTransactionId: null, reference, new Money(command.Amount!.Value, currency), PaymentSource.Merchant,
            command.Note, command.PaidAt ?? now);
        // Null: a concurrent request recorded the same reference for another invoice first (the unique key decided).
        var payment = await applier.ApplyAsync(invoice, attempt: null, money, webhookEventId: null, now, cancellationToken)
            ?? throw ReferenceReused(reference);
        await sessions.ExpireMismatchedAsync(invoice, locked.All, now, cancellationToken);
        return new RecordedPayment(PaymentView.Of(payment, invoice), Created: true);
    }

    private static PayTrustException ReferenceReused(string reference) =>
        new(ErrorKind.Conflict, "payment_reference_reused", $"Payment reference '{reference}' is already recorded for another invoice");
}
