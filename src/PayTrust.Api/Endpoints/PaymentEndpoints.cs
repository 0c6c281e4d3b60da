using Mediator;
using PayTrust.Api.Hosting;
using PayTrust.Api.Pages;
using PayTrust.Api.Security;
using PayTrust.Application.Features.Payments;

namespace PayTrust.Api.Endpoints;

/// <summary>Payment attempts for server-to-server callers, and the customer-facing payment link (spec §7.1).</summary>
public static class PaymentEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/invoices/{id:guid}/payment-attempts", async (Guid id, CreatePaymentAttemptRequest? body, IMediator mediator, CancellationToken cancellationToken) =>
            {
                var taken = await mediator.Send(new CreatePaymentAttempt(id, body?.InstallmentNumber), cancellationToken);
                return taken.Created
                    ? Results.Created($"/invoices/{id}/payment-attempts/{taken.Attempt.Id}", taken.Attempt)
                    : Results.Ok(taken.Attempt);
            })
            .RequireAuthorization(Policies.Tenant)
            .WithTags("Payments")
            .WithSummary("Take a payment attempt for the invoice or its next unpaid installment (201), or get the open one back (200)");

        // The link customers open: no API key, the token is the credential.
        app.MapGet("/pay/{token}", async (string token, IMediator mediator, CancellationToken cancellationToken) =>
                PaymentLinkPage(await mediator.Send(new OpenPaymentLink(token), cancellationToken)))
            .LimitedPerClientAddress(AnonymousTraffic.Page)
            .WithHostedPageHeaders()
            .ExcludeFromDescription();
    }

    private static IResult PaymentLinkPage(PaymentLinkOutcome outcome)
    {
        var invoice = outcome.Invoice;
        return outcome.Result switch
        {
            PaymentLinkResult.Redirect => Results.Redirect(outcome.RedirectUrl!),
            PaymentLinkResult.NotFound => HtmlPage.Render(StatusCodes.Status404NotFound, "Payment link not found",
                "<h1>Payment link not found</h1><p>This payment link does not exist. Please check the link you were sent, or contact the merchant.</p>"),
            PaymentLinkResult.Closed => ClosedPage(invoice!),
            _ => HtmlPage.Render(StatusCodes.Status503ServiceUnavailable, "Payment temporarily unavailable",
                $"<h1>Payment temporarily unavailable</h1><p>{HtmlPage.Encode(outcome.Message)}</p>{Summary(invoice!)}"),
        };
    }

    private static IResult ClosedPage(PaymentLinkInvoice invoice)
    {
        var (status, title, message) = invoice.Status switch
        {
            "fully_paid" => (StatusCodes.Status200OK, "Invoice paid", "This invoice has been paid in full. Thank you!"),
            "cancelled" => (StatusCodes.Status410Gone, "Invoice cancelled", "The merchant cancelled this invoice, so it can no longer be paid."),
            _ => (StatusCodes.Status410Gone, "Invoice expired", "This invoice has expired and can no longer be paid. Please contact the merchant for a new one."),
        };
        return HtmlPage.Render(status, title, $"<h1>{title}</h1><p>{message}</p>{Summary(invoice)}");
    }

    private static string Summary(PaymentLinkInvoice invoice)
    {
        var exponent = invoice.CurrencyExponent;
        return $"""
            <dl>
            <dt>Reference</dt><dd>{HtmlPage.Encode(invoice.PaymentReference)}</dd>
            {(invoice.Description is { } description ? $"<dt>Description</dt><dd>{HtmlPage.Encode(description)}</dd>" : "")}
            <dt>Total</dt><dd>{HtmlPage.Amount(invoice.TotalAmount, invoice.CurrencyCode, exponent)}</dd>
            <dt>Paid</dt><dd>{HtmlPage.Amount(invoice.AmountPaid, invoice.CurrencyCode, exponent)}</dd>
            </dl>
            """;
    }
}

/// <summary>Body of POST /invoices/{id}/payment-attempts; optional.</summary>
public sealed record CreatePaymentAttemptRequest(int? InstallmentNumber);
