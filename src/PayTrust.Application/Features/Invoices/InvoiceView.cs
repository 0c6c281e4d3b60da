using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using PayTrust.Domain.Invoices;

namespace PayTrust.Application.Features.Invoices;

/// <summary>The invoice resource (spec §4): everything a client needs to send the customer to pay.</summary>
public sealed record InvoiceView(
    Guid Id,
    string? ExternalId,
    string Status,
    string CurrencyCode,
    long SubtotalAmount,
    long TotalTaxAmount,
    long TotalServiceFeeAmount,
    long TotalAmount,
    long AmountPaid,
    long AmountDue,
    long OverpaymentAmount,
    long AmountRefunded,
    string PaymentUrl,
    string PaymentReference,
    string Gateway,
    string? PaymentMethod,
    string? Description,
    CustomerView? Customer,
    JsonElement? Metadata,
    Instant CreatedAt,
    Instant ExpiresAt,
    Instant? PaymentInitiatedAt,
    Instant? PaidAt,
    Instant? CancelledAt,
    Instant? ExpiredAt,
    Guid? ParentInvoiceId,
    IReadOnlyList<Guid> SupplementaryInvoiceIds,
    IReadOnlyList<LineItemView> LineItems,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<InstallmentView>? InstallmentSchedule);

public sealed record CustomerView(string? Name, string? Email, string? Phone);

/// <summary>A line; <c>tax_rate</c> is a string so it survives JSON exactly.</summary>
public sealed record LineItemView(
    Guid Id, string ProductName, int Quantity, long UnitPrice, string TaxRate, string? TaxCategory, string? CountryCode, long SubtotalAmount, long TaxAmount);

/// <summary>One installment; <c>payment_url</c> only on the next unpaid one, the only one that can be paid (spec §5).</summary>
public sealed record InstallmentView(
    int Number, Instant DueDate, long Amount, long Subtotal, long Tax, long ServiceFee, long AmountPaid, string Status, Instant? PaidAt, string? PaymentUrl);

public sealed record InstallmentListView(Guid InvoiceId, string CurrencyCode, IReadOnlyList<InstallmentView> Data);

internal static class InvoiceViews
{
    public static InvoiceView ToView(this Invoice invoice, IReadOnlyList<Guid> supplementaryInvoiceIds, string paymentUrl, Instant now) => new(
        invoice.Id,
        invoice.ExternalId,
        StatusNames.Of(invoice.Status),
        invoice.Currency.Code,
        invoice.Totals.Subtotal.Minor,
        invoice.Totals.Tax.Minor,
        invoice.Totals.ServiceFee.Minor,
        invoice.Totals.Total.Minor,
        invoice.AmountPaid.Minor,
        invoice.AmountDue.Minor,
        invoice.Overpayment.Minor,
        invoice.AmountRefunded.Minor,
        paymentUrl,
        invoice.PaymentReference,
        invoice.Gateway,
        invoice.PaymentMethod,
        invoice.Description,
        invoice.Customer is { } customer ? new CustomerView(customer.Name, customer.Email, customer.Phone) : null,
        ParseMetadata(invoice.Metadata),
        invoice.CreatedAt,
        invoice.ExpiresAt,
        invoice.PaymentInitiatedAt,
        invoice.PaidAt,
        invoice.CancelledAt,
        invoice.ExpiredAt,
        invoice.ParentInvoiceId,
        supplementaryInvoiceIds,
        invoice.LineItems.Select(line => new LineItemView(
            line.Id, line.ProductName, line.Quantity, line.UnitPrice.Minor, line.TaxRate.ToString(), line.TaxCategory, line.CountryCode, line.Subtotal.Minor, line.Tax.Minor)).ToArray(),
        invoice.Schedule is null ? null : invoice.ToInstallmentViews(paymentUrl, now));

    public static IReadOnlyList<InstallmentView> ToInstallmentViews(this Invoice invoice, string paymentUrl, Instant now)
    {
        if (invoice.Schedule is not { } schedule)
        {
            return [];
        }

        var payable = !InvoiceStateMachine.IsTerminal(invoice.Status);
        var next = schedule.NextUnpaid?.Number;
        return schedule.Installments.Select(i => new InstallmentView(
            i.Number,
            i.DueDate,
            i.Amount.Minor,
            i.Subtotal.Minor,
            i.Tax.Minor,
            i.ServiceFee.Minor,
            i.AmountPaid.Minor,
            i.StatusAt(now) switch
            {
                InstallmentStatus.Paid => "paid",
                InstallmentStatus.Overdue => "overdue",
                _ => "unpaid",
            },
            i.PaidAt,
            payable && i.Number == next ? paymentUrl : null)).ToArray();
    }

    private static JsonElement? ParseMetadata(string? metadata)
    {
        if (metadata is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(metadata);
        return document.RootElement.Clone();
    }
}
