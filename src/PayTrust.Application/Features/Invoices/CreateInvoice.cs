using System.Text.Json;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Logging;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Routing;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;

namespace PayTrust.Application.Features.Invoices;

/// <summary>
/// POST /invoices (spec §4): totals, schedule, expiry, payment reference and link in one call. The gateway
/// is routed (§3): the request's, the tenant's rules, or the platform default.
/// </summary>
public sealed record CreateInvoice(
    string? ExternalId,
    string? Gateway,
    string? PaymentMethod,
    string? CurrencyCode,
    string? Description,
    Instant? ExpiresAt,
    CustomerInput? Customer,
    JsonElement? Metadata,
    IReadOnlyList<LineItemInput>? LineItems,
    InstallmentsInput? Installments) : ICommand<InvoiceView>, IInvoiceTermsInput;

internal sealed class CreateInvoiceValidator : AbstractValidator<CreateInvoice>
{
    public CreateInvoiceValidator()
    {
        RuleFor(c => c.CurrencyCode).ValidCurrency();
        RuleFor(c => c.ExternalId).ValidExternalId();
        RuleFor(c => c.PaymentMethod).Matches("^[a-z0-9_]{1,32}$").When(c => c.PaymentMethod is not null)
            .WithMessage("payment_method must be 1 to 32 lower-case letters, digits or underscores");
        RuleFor(c => c.LineItems).ValidLineItemCount(required: true);
        Include(new InvoiceTermsValidator());
    }
}

internal sealed class CreateInvoiceHandler(
    IInvoiceRepository invoices,
    GatewayRouter router,
    IPlatformSettings platform,
    ICallerContext caller,
    IClock clock,
    ILogger<CreateInvoiceHandler> logger)
    : ICommandHandler<CreateInvoice, InvoiceView>
{
    public async ValueTask<InvoiceView> Handle(CreateInvoice command, CancellationToken cancellationToken)
    {
        var tenantId = caller.RequireTenant();
        var currency = Currency.Parse(command.CurrencyCode);
        var routed = await router.RouteAsync(command.Gateway, currency, command.PaymentMethod, cancellationToken);
        var terms = new InvoiceTerms(
            currency,
            routed.Gateway,
            routed.FeeRule,
            command.LineItems!.ToLineItems(currency),
            command.Installments?.ToPlan(),
            command.ExpiresAt,
            command.Description,
            command.Customer.ToCustomer(),
            command.Metadata.ToMetadataText());

        var token = InvoiceSupport.NewPaymentToken();
        var invoice = Invoice.Create(
            Guid.CreateVersion7(), tenantId, command.ExternalId, command.PaymentMethod, parentInvoiceId: null,
            terms, PaymentReference.New(), token, clock.GetCurrentInstant());
        await invoices.InsertNewAsync(invoice, cancellationToken);
        logger.WarnOnHighTaxRates(invoice);
        return invoice.ToView([], platform.PaymentUrl(token), invoice.CreatedAt);
    }
}
