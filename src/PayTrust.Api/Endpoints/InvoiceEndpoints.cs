using Mediator;
using Microsoft.AspNetCore.Mvc;
using PayTrust.Api.Security;
using PayTrust.Application.Features.Invoices;

namespace PayTrust.Api.Endpoints;

public static class InvoiceEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/invoices").WithTags("Invoices").RequireAuthorization(Policies.Tenant);

        group.MapPost("/", async (CreateInvoiceRequest body, IMediator mediator, CancellationToken cancellationToken) =>
        {
            var invoice = await mediator.Send(body.ToCommand(), cancellationToken);
            return TypedResults.Created($"/invoices/{invoice.Id}", invoice);
        })
        .WithName("CreateInvoice")
        .WithSummary("Create an invoice: totals, tax, gateway fee, optional installments, payment link and reference.");

        group.MapGet("/", async (
            IMediator mediator,
            CancellationToken cancellationToken,
            [FromQuery] int? page,
            [FromQuery(Name = "page_size")] int? pageSize,
            [FromQuery] string? status,
            [FromQuery(Name = "currency_code")] string? currencyCode,
            [FromQuery] string? gateway,
            [FromQuery(Name = "external_id")] string? externalId,
            [FromQuery(Name = "created_from")] DateTimeOffset? createdFrom,
            [FromQuery(Name = "created_to")] DateTimeOffset? createdTo) =>
            TypedResults.Ok(await mediator.Send(
                new ListInvoices(page ?? 1, pageSize ?? 50, status, currencyCode, gateway, externalId, RequestMapping.ToInstant(createdFrom), RequestMapping.ToInstant(createdTo)),
                cancellationToken)))
        .WithName("ListInvoices")
        .WithSummary("The tenant's invoices, newest first (page_size ≤ 100).");

        group.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken cancellationToken) =>
            TypedResults.Ok(await mediator.Send(new GetInvoice(id), cancellationToken)))
        .WithName("GetInvoice");

        group.MapPatch("/{id:guid}", async (Guid id, UpdateInvoiceRequest body, IMediator mediator, CancellationToken cancellationToken) =>
            TypedResults.Ok(await mediator.Send(body.ToCommand(id), cancellationToken)))
        .WithName("UpdateInvoice")
        .WithSummary("Change a draft invoice; 409 invoice_immutable once payment is initiated.");

        group.MapPost("/{id:guid}/cancel", async (Guid id, IMediator mediator, CancellationToken cancellationToken) =>
            TypedResults.Ok(await mediator.Send(new CancelInvoice(id), cancellationToken)))
        .WithName("CancelInvoice");

        group.MapPost("/{id:guid}/supplementary", async (Guid id, CreateSupplementaryInvoiceRequest body, IMediator mediator, CancellationToken cancellationToken) =>
        {
            var invoice = await mediator.Send(body.ToCommand(id), cancellationToken);
            return TypedResults.Created($"/invoices/{invoice.Id}", invoice);
        })
        .WithName("CreateSupplementaryInvoice")
        .WithSummary("Additional items for an invoice whose payment has begun; currency and gateway are inherited.");

        group.MapGet("/{id:guid}/installments", async (Guid id, IMediator mediator, CancellationToken cancellationToken) =>
            TypedResults.Ok(await mediator.Send(new GetInstallments(id), cancellationToken)))
        .WithName("GetInstallments");

        group.MapPatch("/{id:guid}/installments", async (Guid id, RescheduleInstallmentsRequest body, IMediator mediator, CancellationToken cancellationToken) =>
            TypedResults.Ok(await mediator.Send(new RescheduleInstallments(id, body.Amounts), cancellationToken)))
        .WithName("RescheduleInstallments")
        .WithSummary("New amounts for the unpaid installments, in order; they must sum to what remains.");

        group.MapGet("/{id:guid}/payment-initiation", async (Guid id, IMediator mediator, CancellationToken cancellationToken) =>
            TypedResults.Text(await mediator.Send(new GetPaymentInitiation(id), cancellationToken), "application/xml", System.Text.Encoding.UTF8))
        .WithName("GetPaymentInitiation")
        .WithSummary("The invoice as an ISO 20022 pain.001.001.03 credit transfer initiation.")
        .Produces<string>(StatusCodes.Status200OK, "application/xml");
    }
}
