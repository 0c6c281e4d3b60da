using FluentValidation;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Monetary;

namespace PayTrust.Application.Features.Invoices;

/// <summary>
/// PATCH /invoices/{id}/installments (spec §5): new payable amounts for the unpaid installments, in order.
/// Allowed in draft, pending and partially_paid; paid installments never change.
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

internal sealed class RescheduleInstallmentsHandler(IInvoiceRepository invoices, IPlatformSettings platform, ICallerContext caller, IClock clock)
    : ICommandHandler<RescheduleInstallments, InstallmentListView>
{
    public async ValueTask<InstallmentListView> Handle(RescheduleInstallments command, CancellationToken cancellationToken)
    {
        var invoice = (await invoices.FindForUpdateAsync(caller.RequireTenant(), command.InvoiceId, cancellationToken)
            ?? throw InvoiceSupport.NotFound(command.InvoiceId)).Invoice;
        var now = clock.GetCurrentInstant();
        invoice.RescheduleInstallments(command.Amounts!, now);
        await invoices.UpdateAsync(invoice, cancellationToken);
        return new InstallmentListView(invoice.Id, invoice.Currency.Code, invoice.ToInstallmentViews(platform.PaymentUrl(invoice.PaymentToken), now));
    }
}
