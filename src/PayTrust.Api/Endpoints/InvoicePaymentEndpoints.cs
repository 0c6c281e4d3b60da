using Mediator;
using PayTrust.Api.Security;
using PayTrust.Application.Features.Payments;

namespace PayTrust.Api.Endpoints;

/// <summary>Payments recorded by the merchant (spec §7.5) and what an invoice's payments look like (spec §7.8).</summary>
public static class InvoicePaymentEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/invoices/{id:guid}").WithTags("Payments").RequireAuthorization(Policies.Tenant);

        group.MapPost("/payments", async (Guid id, RecordPaymentRequest body, IMediator mediator, CancellationToken cancellationToken) =>
            {
                var recorded = await mediator.Send(body.ToCommand(id), cancellationToken);
                return recorded.Created
                    ? Results.Created($"/invoices/{id}/payments/{recorded.Payment.Id}", recorded.Payment)
                    : Results.Ok(recorded.Payment);
            })
            .WithName("RecordPayment")
            .WithSummary("Record a bank transfer or manual settlement (201); the same reference again returns the first payment (200).");

        group.MapGet("/payments/{paymentId:guid}", async (Guid id, Guid paymentId, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new GetInvoicePayment(id, paymentId), cancellationToken)))
            .WithName("GetInvoicePayment")
            .WithSummary("One payment of the invoice, with the invoice's amounts as they are now.");

        group.MapGet("/transactions", async (Guid id, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new ListInvoiceTransactions(id), cancellationToken)))
            .WithName("ListInvoiceTransactions")
            .WithSummary("The invoice's payment attempts and payments, oldest first (at most 1,000).");

        group.MapGet("/discrepancies", async (Guid id, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new ListInvoiceDiscrepancies(id), cancellationToken)))
            .WithName("ListInvoiceDiscrepancies")
            .WithSummary("Money that did not match what was expected: under/overpayments, other currencies, closed invoices (at most 1,000).");

        group.MapGet("/overpayment", async (Guid id, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new GetInvoiceOverpayment(id), cancellationToken)))
            .WithName("GetInvoiceOverpayment");

        group.MapGet("/refunds", async (Guid id, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new ListInvoiceRefunds(id), cancellationToken)))
            .WithName("ListInvoiceRefunds")
            .WithSummary("Refunds the gateways reported for the invoice's payments, oldest first (at most 1,000).");
    }
}

/// <summary>Body of POST /invoices/{id}/payments; amount in minor units.</summary>
public sealed record RecordPaymentRequest(long? Amount, string? CurrencyCode, string? Reference, string? Rail, DateTimeOffset? PaidAt, string? Note)
{
    public RecordPayment ToCommand(Guid invoiceId) =>
        new(invoiceId, Amount, CurrencyCode, Reference, Rail, RequestMapping.ToInstant(PaidAt), Note);
}
