using Mediator;
using Microsoft.AspNetCore.Mvc;
using PayTrust.Api.Security;
using PayTrust.Application.Features.Payments;

namespace PayTrust.Api.Endpoints;

/// <summary>The tenant's payments across its invoices, and stranded money applied to an open invoice (spec §7.4 step 8).</summary>
public static class TenantPaymentEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/payments").WithTags("Payments").RequireAuthorization(Policies.Tenant);

        group.MapGet("/", async (
                IMediator mediator,
                CancellationToken cancellationToken,
                [FromQuery] bool? applied,
                [FromQuery] int? page,
                [FromQuery(Name = "page_size")] int? pageSize) =>
                TypedResults.Ok(await mediator.Send(new ListPayments(applied, page ?? 1, pageSize ?? 50), cancellationToken)))
            .WithName("ListPayments")
            .WithSummary("The tenant's payments, newest first (page_size ≤ 100); applied=false lists the money not applied to any invoice.");

        group.MapPost("/{id:guid}/apply", async (Guid id, ApplyStrandedPaymentRequest body, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new ApplyStrandedPayment(id, body.InvoiceId), cancellationToken)))
            .WithName("ApplyStrandedPayment")
            .WithSummary("Apply money that is not applied (closed invoice, other currency) to an open invoice of its currency, once.");
    }
}

/// <summary>Body of POST /payments/{id}/apply.</summary>
public sealed record ApplyStrandedPaymentRequest(Guid? InvoiceId);
