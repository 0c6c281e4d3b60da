using FluentValidation;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;
using PayTrust.Application.Features.Invoices;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Payments;

/// <summary>
/// POST /payments/{id}/apply (spec §7.4 step 8): stranded money — a payment recorded but not applied, because it arrived
/// for a cancelled or expired invoice or in another currency — applied to an open invoice of the tenant in the payment's
/// currency, exactly once. The payment's row is locked first, then the invoice's, so requests racing for one payment
/// queue on it and the first to commit is the only one that applies it; the rest get 409 payment_already_applied.
/// Another tenant's payment or invoice is 404.
/// </summary>
public sealed record ApplyStrandedPayment(Guid PaymentId, Guid? InvoiceId) : ICommand<AppliedPaymentView>;

/// <summary>
/// The payment once applied, and its new invoice's amounts right after. <see cref="RecordedAt"/> is when it was applied
/// (what the reports count it by); <see cref="OriginalInvoiceId"/> and <see cref="OriginalRecordedAt"/> say where and when
/// it was first recorded.
/// </summary>
public sealed record AppliedPaymentView(
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
    Instant PaidAt,
    Instant RecordedAt,
    Guid OriginalInvoiceId,
    Instant OriginalRecordedAt,
    PaymentInvoiceView Invoice);

internal sealed class ApplyStrandedPaymentValidator : AbstractValidator<ApplyStrandedPayment>
{
    public ApplyStrandedPaymentValidator()
    {
        RuleFor(c => c.InvoiceId).Must(id => id is { } value && value != Guid.Empty)
            .WithErrorCode("invalid_invoice_id")
            .WithMessage("invoice_id is required: the open invoice the payment is applied to");
    }
}

internal sealed class ApplyStrandedPaymentHandler(
    IPaymentRepository payments, IPaymentAttemptRepository attempts, PaymentApplier applier, ICallerContext caller, IClock clock)
    : ICommandHandler<ApplyStrandedPayment, AppliedPaymentView>
{
    public async ValueTask<AppliedPaymentView> Handle(ApplyStrandedPayment command, CancellationToken cancellationToken)
    {
        var tenantId = caller.RequireTenant();
        var stranded = await payments.LockAsync(tenantId, command.PaymentId, cancellationToken)
            ?? throw new PayTrustException(ErrorKind.NotFound, "payment_not_found", $"Payment {command.PaymentId} not found");
        // Refused before the invoice is locked: a request that lost the race holds no invoice lock for nothing.
        stranded.EnsureStranded();
        var invoiceId = command.InvoiceId!.Value;
        var invoice = (await attempts.LockInvoiceAsync(tenantId, invoiceId, cancellationToken) ?? throw InvoiceSupport.NotFound(invoiceId)).Invoice;

        var now = clock.GetCurrentInstant().ToStoragePrecision();
        var payment = await applier.ApplyStrandedAsync(invoice, stranded, now, cancellationToken);
        return new AppliedPaymentView(
            payment.Id, payment.InvoiceId, payment.Amount.Minor, payment.Amount.Currency.Code, payment.Rail, payment.Gateway,
            payment.GatewayTransactionId, payment.Reference, PaymentSourceNames.Of(payment.Source), payment.Applied, payment.PaidAt,
            payment.RecordedAt, stranded.InvoiceId, stranded.RecordedAt,
            new PaymentInvoiceView(StatusNames.Of(invoice.Status), invoice.AmountPaid.Minor, invoice.AmountDue.Minor, invoice.Overpayment.Minor));
    }
}
