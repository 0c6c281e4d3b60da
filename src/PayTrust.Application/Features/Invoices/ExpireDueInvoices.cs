using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;

namespace PayTrust.Application.Features.Invoices;

/// <summary>
/// The expiry job's unit of work (spec §4): marks up to <see cref="BatchSize"/> open invoices whose expiry
/// has passed as expired, each raising invoice.expired. Rows are taken with FOR UPDATE SKIP LOCKED, so
/// several instances running at once split the work and never expire one invoice twice.
/// </summary>
public sealed record ExpireDueInvoices(int BatchSize) : ICommand<int>;

internal sealed class ExpireDueInvoicesHandler(IInvoiceRepository invoices, IClock clock) : ICommandHandler<ExpireDueInvoices, int>
{
    public async ValueTask<int> Handle(ExpireDueInvoices command, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var due = await invoices.LockDueForExpiryAsync(now, command.BatchSize, cancellationToken);
        foreach (var invoice in due)
        {
            invoice.Expire(now);
            await invoices.UpdateAsync(invoice, cancellationToken);
        }

        return due.Count;
    }
}
