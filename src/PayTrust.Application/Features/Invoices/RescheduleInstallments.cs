using FluentValidation;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Sessions;
using PayTrust.Domain.Monetary;

namespace PayTrust.Application.Features.Invoices;

/// <summary>
/// PATCH /invoices/{id}/installments (spec §5): new payable amounts for the unpaid installments, in order.
/// Allowed in draft, pending and partially_paid; paid installments never change. An open session for an amount no longer
/// due (the next installment's changed) is closed (spec §7.4 step 9).
/// </summary>
public sealed record RescheduleInstallments(Guid InvoiceId, IReadOnlyList<long>? Amounts) : ICommand<InstallmentListView>;

internal sealed class RescheduleInstallmentsValidator : AbstractValidator<RescheduleInstallments>
{
    public RescheduleInstallmentsValidator()
    {
        RuleFor(c => c.Amounts).NotEmpty().WithMessage("amounts must list the new amount of every unpaid installment");
        RuleForEach(c => c.Amounts).InclusiveBetween(1, Money.MaxAmount).WithErrorCode("installment_amount_too_small")
            .WithMessage($"Every installment amount must be from 1 to {Money.MaxAmount} minor units");
    }
}

internal sealed class RescheduleInstallmentsHandler(
    IInvoiceRepository invoices, IPaymentAttemptRepository attempts, SessionCloser sessions, IPlatformSettings platform, ICallerContext caller, IClock clock)
    : ICommandHandler<RescheduleInstallments, InstallmentListView>
{
    public async ValueTask<InstallmentListView> Handle(RescheduleInstallments command, CancellationToken cancellationToken)
    {
        // The payment lock: the invoice with its schedule and attempts, without the line items nothing here needs.
        var locked = await attempts.LockInvoiceAsync(caller.RequireTenant(), command.InvoiceId, cancellationToken)
            ?? throw InvoiceSupport.NotFound(command.InvoiceId);
        var invoice = locked.Invoice;
        var now = clock.GetCurrentInstant();
        invoice.RescheduleInstallments(command.Amounts!, now);
        await invoices.UpdateAsync(invoice, cancellationToken);
        await sessions.ExpireMismatchedAsync(invoice, locked.All, now, cancellationToken);
        return new InstallmentListView(invoice.Id, invoice.Currency.Code, invoice.ToInstallmentViews(platform.PaymentUrl(invoice.PaymentToken), now));
    }
}
