using FluentValidation;
using Mediator;
using PayTrust.Application.Abstractions;

namespace PayTrust.Application.Features.Payments;

/// <summary>
/// POST /invoices/{id}/payment-attempts (spec §7.1–7.2) for server-to-server callers. Not a command:
/// it spans two transactions with the gateway call between them (<see cref="PaymentAttemptFlow"/>), so
/// no transaction may wrap it. 201 for a new attempt, 200 when an open one is handed back.
/// </summary>
public sealed record CreatePaymentAttempt(Guid InvoiceId, int? InstallmentNumber) : IRequest<PaymentAttemptResult>;

internal sealed class CreatePaymentAttemptValidator : AbstractValidator<CreatePaymentAttempt>
{
    public CreatePaymentAttemptValidator()
    {
        RuleFor(request => request.InstallmentNumber)
            .InclusiveBetween(1, Domain.Invoices.InstallmentPlan.MaxCount)
            .WithErrorCode("invalid_installment")
            .WithMessage($"installment_number must be 1 to {Domain.Invoices.InstallmentPlan.MaxCount}");
    }
}

internal sealed class CreatePaymentAttemptHandler(PaymentAttemptFlow flow, ICallerContext caller)
    : IRequestHandler<CreatePaymentAttempt, PaymentAttemptResult>
{
    public async ValueTask<PaymentAttemptResult> Handle(CreatePaymentAttempt request, CancellationToken cancellationToken) =>
        await flow.TakeAsync(caller.RequireTenant(), request.InvoiceId, request.InstallmentNumber, cancellationToken);
}
