using FluentValidation;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;

namespace PayTrust.Application.Features.Invoices;

/// <summary>
/// The expiry job's unit of work (spec §4, §7.4 step 8): marks up to <see cref="BatchSize"/> open invoices whose expiry
/// has passed as expired, each raising invoice.expired — except an invoice with an attempt still open at its gateway
/// (creating or pending), which waits until that attempt resolves or <see cref="Grace"/> after the attempt's own session
/// expiry has passed: a customer who paid just before the invoice's expiry is applied when the gateway's webhook comes,
/// not recorded against an expired invoice. Rows are taken with FOR UPDATE SKIP LOCKED, so several instances running at
/// once split the work and never expire one invoice twice.
/// </summary>
public sealed record ExpireDueInvoices(int BatchSize, Duration Grace) : ICommand<int>
{
    /// <summary>PayTrust:Invoices:ExpiryGraceMinutes unless configured.</summary>
    public static readonly Duration DefaultGrace = Duration.FromMinutes(15);
}

internal sealed class ExpireDueInvoicesValidator : AbstractValidator<ExpireDueInvoices>
{
    public ExpireDueInvoicesValidator()
    {
        RuleFor(c => c.BatchSize).GreaterThan(0);
        RuleFor(c => c.Grace).Must(grace => grace >= Duration.Zero)
            .WithErrorCode("invalid_expiry_grace")
            .WithMessage("PayTrust:Invoices:ExpiryGraceMinutes must be 0 or more");
    }
}

internal sealed class ExpireDueInvoicesHandler(IInvoiceRepository invoices, IClock clock) : ICommandHandler<ExpireDueInvoices, int>
{
    public async ValueTask<int> Handle(ExpireDueInvoices command, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var due = await invoices.LockDueForExpiryAsync(now, now - command.Grace, command.BatchSize, cancellationToken);
        foreach (var invoice in due)
        {
            invoice.Expire(now);
            await invoices.UpdateAsync(invoice, cancellationToken);
        }

        return due.Count;
    }
}
