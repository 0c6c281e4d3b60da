using Microsoft.Extensions.Logging;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;

namespace PayTrust.Application.Features.Invoices;

/// <summary>Steps every invoice-writing use case shares: choosing the gateway's fee rule, saving a new invoice, warning on high rates.</summary>
internal static class InvoiceSupport
{
    /// <summary>The fee rule of the gateway for the currency: 400 invalid_gateway / unsupported_currency otherwise (spec §3).</summary>
    public static async Task<FeeRule> RequireFeeRuleAsync(this IGatewayCatalog catalog, string gateway, Currency currency, CancellationToken cancellationToken)
    {
        if (await catalog.FeeRuleAsync(gateway, currency, cancellationToken) is { } rule)
        {
            return rule;
        }

        throw await catalog.ExistsAsync(gateway, cancellationToken)
            ? new PayTrustException(ErrorKind.InvalidInput, "unsupported_currency", $"Gateway {gateway} does not support currency {currency.Code}")
            : new PayTrustException(ErrorKind.InvalidInput, "invalid_gateway", $"Invalid gateway: {gateway} not found");
    }

    /// <summary>
    /// Inserts a new invoice. A taken external_id is 409 naming the invoice that has it; a taken payment
    /// reference (vanishingly rare) gets a fresh reference and another try.
    /// </summary>
    public static async Task InsertNewAsync(this IInvoiceRepository invoices, Invoice invoice, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var outcome = await invoices.InsertAsync(invoice, cancellationToken);
            switch (outcome.Result)
            {
                case InvoiceInsertResult.Inserted:
                    return;
                case InvoiceInsertResult.ExternalIdTaken:
                    throw new PayTrustException(
                        ErrorKind.Conflict,
                        "duplicate_external_id",
                        $"An invoice with external_id '{invoice.ExternalId}' already exists: {outcome.ExistingInvoiceId}");
                case InvoiceInsertResult.PaymentReferenceTaken when attempt < 5:
                    invoice.ReissuePaymentReference(PaymentReference.New());
                    break;
                default:
                    throw new InvalidOperationException("Could not find a free payment reference in 5 tries.");
            }
        }
    }

    /// <summary>Spec §1: a rate above 0.27 is accepted but logged, with tenant, invoice and line.</summary>
    public static void WarnOnHighTaxRates(this ILogger logger, Invoice invoice)
    {
        for (var i = 0; i < invoice.LineItems.Count; i++)
        {
            if (invoice.LineItems[i].TaxRate.IsHigh)
            {
                logger.LogWarning(
                    "High tax rate detected - verify accuracy: {TaxRate} on line {LineNumber} of invoice {InvoiceId} (tenant {TenantId})",
                    invoice.LineItems[i].TaxRate.ToString(), i + 1, invoice.Id, invoice.TenantId);
            }
        }
    }

    public static PayTrustException NotFound(Guid invoiceId) =>
        new(ErrorKind.NotFound, "invoice_not_found", $"Invoice {invoiceId} not found");

    /// <summary>128 random bits, base64url without padding (22 characters): the secret in /pay/{token}.</summary>
    public static string NewPaymentToken()
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }
}
