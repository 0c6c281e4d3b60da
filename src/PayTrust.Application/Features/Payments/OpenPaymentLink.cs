using Dapper;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;
using PayTrust.Domain.Errors;

namespace PayTrust.Application.Features.Payments;

/// <summary>
/// A customer opened <c>/pay/{token}</c> (spec §7.1). The token is the only credential: it finds the
/// invoice and through it the tenant. A payable invoice gets an attempt for the whole amount or the next
/// unpaid installment (taken or reused) and the customer is sent to its checkout; anything else is an
/// outcome the page explains, never an error dump.
/// </summary>
public sealed record OpenPaymentLink(string Token) : IRequest<PaymentLinkOutcome>;

public enum PaymentLinkResult
{
    /// <summary>Send the customer to <see cref="PaymentLinkOutcome.RedirectUrl"/>.</summary>
    Redirect,
    /// <summary>No invoice has this token.</summary>
    NotFound,
    /// <summary>Paid, cancelled or expired: nothing to pay.</summary>
    Closed,
    /// <summary>Payable, but no checkout could be opened right now (gateway failure, another attempt being created).</summary>
    Unavailable,
}

public sealed record PaymentLinkOutcome(PaymentLinkResult Result, PaymentLinkInvoice? Invoice = null, string? RedirectUrl = null, string? Message = null);

/// <summary>What the customer may see of the invoice behind a link.</summary>
public sealed record PaymentLinkInvoice(
    Guid Id, Guid TenantId, string PaymentReference, string? Description, string Status, string CurrencyCode, long TotalAmount, long AmountPaid, Instant ExpiresAt)
{
    /// <summary>Digits after the decimal point in the currency's major unit, for showing amounts.</summary>
    public int CurrencyExponent => Domain.Monetary.Currency.Parse(CurrencyCode).Exponent;

    /// <summary>The same rule as <see cref="Domain.Invoices.Invoice.CanTakePaymentAt"/>, on the summary the link reads.</summary>
    public bool CanTakePaymentAt(Instant now) => Domain.Invoices.Invoice.TakesPayments(Domain.Invoices.StatusNames.Parse(Status)) && now < ExpiresAt;
}

internal sealed class OpenPaymentLinkHandler(IDbSession session, PaymentAttemptFlow flow, IClock clock)
    : IRequestHandler<OpenPaymentLink, PaymentLinkOutcome>
{
    // 128-bit tokens in base64url: 22 characters. Anything else cannot be one, and costs no query.
    private const int TokenLength = 22;

    private const string FindSql = """
        SELECT id AS Id, tenant_id AS TenantId, payment_reference AS PaymentReference, description AS Description, status AS Status,
               currency_code AS CurrencyCode, total_amount AS TotalAmount, amount_paid AS AmountPaid, expires_at AS ExpiresAt
        FROM invoices WHERE payment_token = @Token
        """;

    public async ValueTask<PaymentLinkOutcome> Handle(OpenPaymentLink request, CancellationToken cancellationToken)
    {
        if (await FindAsync(request.Token, cancellationToken) is not { } invoice)
        {
            return new PaymentLinkOutcome(PaymentLinkResult.NotFound);
        }

        if (!invoice.CanTakePaymentAt(clock.GetCurrentInstant()))
        {
            return new PaymentLinkOutcome(PaymentLinkResult.Closed, invoice);
        }

        try
        {
            var taken = await TakeAsync(invoice, cancellationToken);
            return new PaymentLinkOutcome(PaymentLinkResult.Redirect, invoice, taken.Attempt.CheckoutUrl);
        }
        catch (GatewayFailureException)
        {
            return new PaymentLinkOutcome(PaymentLinkResult.Unavailable, invoice, Message: "The payment provider could not open a checkout just now. Please try again in a few minutes.");
        }
        catch (PayTrustException refusal) when (refusal.Code == "invoice_not_payable")
        {
            return new PaymentLinkOutcome(PaymentLinkResult.Closed, await FindAsync(request.Token, cancellationToken) ?? invoice);
        }
        catch (PayTrustException refusal) when (refusal.Code is PaymentAttemptFlow.InvoiceChanged)
        {
            return new PaymentLinkOutcome(PaymentLinkResult.Unavailable, invoice, Message: "This invoice was just changed. Please reload this page to pay the amount due now.");
        }
        catch (PayTrustException refusal) when (refusal.Code is "payment_in_progress" or "concurrent_modification")
        {
            return new PaymentLinkOutcome(PaymentLinkResult.Unavailable, invoice, Message: "Your checkout is being prepared. Please reload this page in a moment.");
        }
        catch (PayTrustException refusal) when (refusal.IsClientRefusal)
        {
            return new PaymentLinkOutcome(PaymentLinkResult.Unavailable, invoice, Message: "This invoice cannot be paid online right now. Please contact the merchant.");
        }
    }

    /// <summary>
    /// An attempt for what is due. The customer asked for whatever the invoice asks now, so a session discarded because the
    /// invoice changed while it was being opened is followed by one fresh attempt for the new amount (a second change in
    /// that moment is answered with a page asking to reload).
    /// </summary>
    private async Task<PaymentAttemptResult> TakeAsync(PaymentLinkInvoice invoice, CancellationToken cancellationToken)
    {
        try
        {
            return await flow.TakeAsync(invoice.TenantId, invoice.Id, installmentNumber: null, cancellationToken);
        }
        catch (PayTrustException refusal) when (refusal.Code is PaymentAttemptFlow.InvoiceChanged)
        {
            return await flow.TakeAsync(invoice.TenantId, invoice.Id, installmentNumber: null, cancellationToken);
        }
    }

    private async Task<PaymentLinkInvoice?> FindAsync(string token, CancellationToken cancellationToken)
    {
        if (token.Length != TokenLength)
        {
            return null;
        }

        var connection = await session.GetConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(FindSql, new { Token = token }, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new PaymentLinkInvoice(row.Id, row.TenantId, row.PaymentReference, row.Description, row.Status, row.CurrencyCode, row.TotalAmount, row.AmountPaid, row.ExpiresAt.ToInstantUtc());
    }

    private sealed record Row(Guid Id, Guid TenantId, string PaymentReference, string? Description, string Status, string CurrencyCode, long TotalAmount, long AmountPaid, DateTime ExpiresAt);
}
