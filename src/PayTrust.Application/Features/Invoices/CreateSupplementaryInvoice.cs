using FluentValidation;
using Mediator;
using Microsoft.Extensions.Logging;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Invoices;

namespace PayTrust.Application.Features.Invoices;

/// <summary>
/// POST /invoices/{id}/supplementary (spec §4): additional items for an invoice whose payment has begun.
/// Currency, gateway, payment method and customer come from the parent; lines, schedule and expiry are
/// its own. The parent row is locked so it cannot be cancelled while its child is being created.
/// </summary>
public sealed record CreateSupplementaryInvoice(
    Guid ParentInvoiceId,
    string? ExternalId,
    IReadOnlyList<LineItemInput>? LineItems,
    InstallmentsInput? Installments,
    Instant? ExpiresAt,
    string? Description) : ICommand<InvoiceView>;

internal sealed class CreateSupplementaryInvoiceValidator : AbstractValidator<CreateSupplementaryInvoice>
{
    public CreateSupplementaryInvoiceValidator()
    {
        RuleFor(c => c.ExternalId).ValidExternalId();
        RuleFor(c => c.Description).ValidDescription();
        RuleFor(c => c.LineItems).ValidLineItemCount(required: true);
        RuleForEach(c => c.LineItems).SetValidator(new LineItemInputValidator());
        this.Installments(c => c.Installments);
    }
}

internal sealed class CreateSupplementaryInvoiceHandler(
    IInvoiceRepository invoices,
    IGatewayCatalog gateways,
    IPlatformSettings platform,
    ICallerContext caller,
    IClock clock,
    ILogger<CreateSupplementaryInvoiceHandler> logger)
    : ICommandHandler<CreateSupplementaryInvoice, InvoiceView>
{
    public async ValueTask<InvoiceView> Handle(CreateSupplementaryInvoice command, CancellationToken cancellationToken)
    {
        var tenantId = caller.RequireTenant();
        var parent = (await invoices.FindForUpdateAsync(tenantId, command.ParentInvoiceId, cancellationToken)
            ?? throw InvoiceSupport.NotFound(command.ParentInvoiceId)).Invoice;

        parent.EnsureCanTakeSupplementary();

        var terms = new InvoiceTerms(
            parent.Currency,
            parent.Gateway,
            await gateways.RequireFeeRuleAsync(parent.Gateway, parent.Currency, cancellationToken),
            command.LineItems!.ToLineItems(parent.Currency),
            command.Installments?.ToPlan(),
            command.ExpiresAt,
            command.Description,
            parent.Customer,
            Metadata: null);

        var token = InvoiceSupport.NewPaymentToken();
        var invoice = Invoice.Create(
            Guid.CreateVersion7(), tenantId, command.ExternalId, parent.PaymentMethod, parent.Id,
            terms, PaymentReference.New(), token, clock.GetCurrentInstant());
        await invoices.InsertNewAsync(invoice, cancellationToken);
        logger.WarnOnHighTaxRates(invoice);
        return invoice.ToView([], platform.PaymentUrl(token), invoice.CreatedAt);
    }
}
