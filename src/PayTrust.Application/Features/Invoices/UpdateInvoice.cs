using System.Text.Json;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Logging;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Routing;
using PayTrust.Application.Features.Sessions;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;

namespace PayTrust.Application.Features.Invoices;

/// <summary>
/// PATCH /invoices/{id} while draft (spec §4). A field left out keeps its value. Totals and schedule are
/// recomputed: a schedule keeps its count and due dates and, while the total is unchanged, its amounts;
/// when the total changes without new installments the schedule is split equally again (ADR 9). A session that no longer
/// asks for what is due is closed (spec §7.4 step 9); one still being opened is checked when its answer is recorded.
/// </summary>
public sealed record UpdateInvoice(
    Guid InvoiceId,
    string? Gateway,
    string? Description,
    Instant? ExpiresAt,
    CustomerInput? Customer,
    JsonElement? Metadata,
    IReadOnlyList<LineItemInput>? LineItems,
    InstallmentsInput? Installments) : ICommand<InvoiceView>, IInvoiceTermsInput;

internal sealed class UpdateInvoiceValidator : AbstractValidator<UpdateInvoice>
{
    public UpdateInvoiceValidator() => Include(new InvoiceTermsValidator());
}

internal sealed class UpdateInvoiceHandler(
    IInvoiceRepository invoices,
    IPaymentAttemptRepository attempts,
    SessionCloser sessions,
    GatewayRouter router,
    IPlatformSettings platform,
    ICallerContext caller,
    IClock clock,
    ILogger<UpdateInvoiceHandler> logger)
    : ICommandHandler<UpdateInvoice, InvoiceView>
{
    public async ValueTask<InvoiceView> Handle(UpdateInvoice command, CancellationToken cancellationToken)
    {
        var tenantId = caller.RequireTenant();
        var locked = await attempts.LockWholeInvoiceAsync(tenantId, command.InvoiceId, cancellationToken)
            ?? throw InvoiceSupport.NotFound(command.InvoiceId);
        var invoice = locked.Invoice;
        invoice.EnsureRevisable();

        var gateway = command.Gateway ?? invoice.Gateway;
        var feeRule = gateway == invoice.Gateway ? invoice.FeeRule : (await router.RouteAsync(gateway, invoice.Currency, invoice.PaymentMethod, cancellationToken)).FeeRule;
        var lines = command.LineItems?.ToLineItems(invoice.Currency) ?? invoice.LineItems;
        var terms = new InvoiceTerms(
            invoice.Currency,
            gateway,
            feeRule,
            lines,
            command.Installments?.ToPlan(),
            command.ExpiresAt,
            command.Description ?? invoice.Description,
            command.Customer is null ? invoice.Customer : command.Customer.ToCustomer(),
            command.Metadata is null ? invoice.Metadata : command.Metadata.ToMetadataText());

        var now = clock.GetCurrentInstant();
        // The domain measures due dates from created_at; dates sent with a revision must also lie ahead of
        // the revision itself (kept dates may have passed, and stay as they are).
        if (command.Installments?.DueDates is { } dueDates && dueDates.Any(due => due <= now))
        {
            throw new PayTrustException(ErrorKind.InvalidInput, "invalid_due_dates", "Every installment due date must be in the future");
        }

        invoice.Revise(terms, now);
        await invoices.UpdateAsync(invoice, cancellationToken);
        await sessions.ExpireMismatchedAsync(invoice, locked.All, now, cancellationToken);
        logger.WarnOnHighTaxRates(invoice);
        var supplementaryIds = await invoices.FindSupplementaryIdsAsync(tenantId, invoice.Id, cancellationToken);
        return invoice.ToView(supplementaryIds, platform.PaymentUrl(invoice.PaymentToken), now);
    }
}
