using System.Globalization;
using Mediator;
using PayTrust.Api.Hosting;
using PayTrust.Api.Pages;
using PayTrust.Application.Features.Sandbox;
using PayTrust.Domain.Monetary;

namespace PayTrust.Api.Endpoints;

/// <summary>
/// The built-in sandbox gateway's checkout page (spec §7.3): four plain HTML forms. Each submission makes
/// the sandbox send a signed webhook to /webhooks/sandbox, as a real gateway would after a checkout. The page is
/// addressed by the session's random token, the only credential its anonymous visitor holds (ADR 12).
/// </summary>
public static class SandboxEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/sandbox/checkout").LimitedPerClientAddress(AnonymousTraffic.Page).WithHostedPageHeaders().ExcludeFromDescription();

        group.MapGet("/{token}", async (string token, IMediator mediator, CancellationToken cancellationToken) =>
            await mediator.Send(new GetSandboxCheckout(token), cancellationToken) is { } checkout
                ? CheckoutPage(checkout)
                : NotFoundPage());

        // Read as a form by hand: these forms carry no antiforgery token (a real gateway's page would not know ours either).
        group.MapPost("/{token}", async (string token, HttpRequest request, IMediator mediator, CancellationToken cancellationToken) =>
        {
            var form = request.HasFormContentType ? await request.ReadFormAsync(cancellationToken) : FormCollection.Empty;
            if (ParseAction(form["action"]) is not { } action)
            {
                return HtmlPage.Render(StatusCodes.Status400BadRequest, "Unknown action", "<h1>Unknown action</h1><p>Choose one of the buttons on the checkout page.</p>");
            }

            long? amount = null;
            if (action == SandboxAction.PayAmount)
            {
                // Checked here as well as by the use case's validator, so a customer gets a page rather than problem+json.
                if (!long.TryParse(form["amount"], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed is < 1 or > Money.MaxAmount)
                {
                    return HtmlPage.Render(StatusCodes.Status400BadRequest, "Invalid amount",
                        "<h1>Invalid amount</h1><p>Enter the amount as a whole number of minor units (for example 150000 for IDR 150,000, or 1050 for MYR 10.50).</p>");
                }

                amount = parsed;
            }

            return ResultPage(await mediator.Send(new SubmitSandboxCheckout(token, action, amount), cancellationToken));
        }).DisableAntiforgery();
    }

    private static SandboxAction? ParseAction(string? action) => action switch
    {
        "pay_in_full" => SandboxAction.PayInFull,
        "pay_amount" => SandboxAction.PayAmount,
        "decline" => SandboxAction.Decline,
        "expire" => SandboxAction.Expire,
        _ => null,
    };

    private static IResult NotFoundPage() =>
        HtmlPage.Render(StatusCodes.Status404NotFound, "Checkout not found", "<h1>Checkout not found</h1><p>No sandbox checkout has this address.</p>");

    private static IResult CheckoutPage(SandboxCheckoutView checkout)
    {
        var action = $"/sandbox/checkout/{HtmlPage.Encode(checkout.Token)}";
        var forms = checkout.IsOpen
            ? $"""
              <form method="post" action="{action}"><input type="hidden" name="action" value="pay_in_full"><button type="submit">Pay in full</button></form>
              <form method="post" action="{action}"><input type="hidden" name="action" value="pay_amount">
                <label>Amount in minor units <input name="amount" inputmode="numeric" pattern="[0-9]+" required value="{checkout.Amount}"></label>
                <button type="submit">Pay an amount</button></form>
              <form method="post" action="{action}"><input type="hidden" name="action" value="decline"><button class="secondary" type="submit">Decline</button></form>
              <form method="post" action="{action}"><input type="hidden" name="action" value="expire"><button class="secondary" type="submit">Expire</button></form>
              """
            : $"<p>This checkout is no longer open (it is {HtmlPage.Encode(checkout.Status)}).</p>";
        return HtmlPage.Render(StatusCodes.Status200OK, "PayTrust sandbox checkout", $"""
            <h1>PayTrust sandbox checkout</h1>
            <p class="note">A test gateway: no real money moves. Each button sends a signed webhook to PayTrust, as a real gateway would.</p>
            {Details(checkout)}
            {forms}
            """);
    }

    private static string Details(SandboxCheckoutView checkout) => $"""
        <dl>
        <dt>Invoice</dt><dd>{HtmlPage.Encode(checkout.InvoicePaymentReference)}</dd>
        {(checkout.Description is { } description ? $"<dt>Description</dt><dd>{HtmlPage.Encode(description)}</dd>" : "")}
        {(checkout.InstallmentNumber is { } number ? $"<dt>Installment</dt><dd>{number}</dd>" : "")}
        <dt>Amount</dt><dd>{HtmlPage.Amount(checkout.Amount, checkout.CurrencyCode, checkout.CurrencyExponent)}</dd>
        <dt>Attempt</dt><dd>{HtmlPage.Encode(checkout.Reference)}</dd>
        </dl>
        """;

    private static IResult ResultPage(SandboxCheckoutOutcome outcome) => outcome.Result switch
    {
        SandboxCheckoutResult.NotFound => NotFoundPage(),
        SandboxCheckoutResult.Closed => HtmlPage.Render(StatusCodes.Status409Conflict, "Checkout closed",
            $"<h1>Checkout closed</h1><p>This checkout is no longer open (it is {HtmlPage.Encode(outcome.Checkout!.Status)}).</p>{Details(outcome.Checkout)}"),
        SandboxCheckoutResult.Undelivered => HtmlPage.Render(StatusCodes.Status502BadGateway, "Webhook not delivered",
            $"<h1>Webhook not delivered</h1><p>The sandbox could not reach PayTrust's webhook endpoint. Nothing was recorded; try again.</p>{Details(outcome.Checkout!)}"),
        _ => HtmlPage.Render(StatusCodes.Status200OK, "Sandbox webhook sent", $"""
            <h1>{HtmlPage.Encode(Headline(outcome.Event!))}</h1>
            <p>The sandbox sent webhook <code>{HtmlPage.Encode(outcome.Event!.Id)}</code> ({HtmlPage.Encode(outcome.Event.Type)}); PayTrust answered HTTP {outcome.ReceiverStatus}.</p>
            {Details(outcome.Checkout!)}
            <p><a href="{HtmlPage.Encode(outcome.Checkout!.PaymentUrl)}">Back to the payment link</a></p>
            """),
    };

    private static string Headline(SandboxWebhookEvent sent) => sent.Data.Status switch
    {
        "paid" => "Payment sent",
        "declined" => "Payment declined",
        _ => "Checkout expired",
    };
}
