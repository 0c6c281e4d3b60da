using NodaTime;
using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Invoices;

/// <summary>
/// An invoice's own row without its lines, schedule, customer or terms: what recording an opened checkout session
/// reads and writes (ADR 21). It can do one thing, <see cref="MarkPaymentInitiated"/>, under the same rules as
/// <see cref="Invoice"/> (the same static helpers decide), so the payment path's second transaction neither reads
/// nor rewrites the rest of the aggregate.
/// </summary>
public sealed class InvoiceHeader
{
    private readonly List<InvoiceEvent> _events = [];

    public InvoiceHeader(
        Guid id, Guid tenantId, string? externalId, Guid? parentInvoiceId, InvoiceStatus status, string gateway, Money total, Money amountPaid,
        Money overpayment, Instant expiresAt, Instant updatedAt, Instant? paymentInitiatedAt)
    {
        Id = id;
        TenantId = tenantId;
        ExternalId = externalId;
        ParentInvoiceId = parentInvoiceId;
        Status = status;
        Gateway = gateway;
        Total = total;
        AmountPaid = amountPaid;
        Overpayment = overpayment;
        ExpiresAt = expiresAt;
        UpdatedAt = updatedAt;
        PaymentInitiatedAt = paymentInitiatedAt;
    }

    /// <summary>The header of a whole invoice, as it stands now (its events stay with the invoice).</summary>
    public static InvoiceHeader Of(Invoice invoice) => new(
        invoice.Id, invoice.TenantId, invoice.ExternalId, invoice.ParentInvoiceId, invoice.Status, invoice.Gateway, invoice.Totals.Total, invoice.AmountPaid,
        invoice.Overpayment, invoice.ExpiresAt, invoice.UpdatedAt, invoice.PaymentInitiatedAt);

    public Guid Id { get; }

    public Guid TenantId { get; }

    public string? ExternalId { get; }

    public Guid? ParentInvoiceId { get; }

    public InvoiceStatus Status { get; private set; }

    /// <summary>The gateway payments are taken through (a draft's may change).</summary>
    public string Gateway { get; }

    public Money Total { get; }

    public Money AmountPaid { get; }

    public Money Overpayment { get; }

    public Money AmountDue => Invoice.Due(Total, AmountPaid);

    public Instant ExpiresAt { get; }

    public Instant UpdatedAt { get; private set; }

    public Instant? PaymentInitiatedAt { get; private set; }

    public IReadOnlyList<InvoiceEvent> PendingEvents => _events;

    /// <summary>As <see cref="Invoice.CanTakePaymentAt"/>.</summary>
    public bool CanTakePaymentAt(Instant now) => Invoice.CanTakePayment(Status, ExpiresAt, now);

    /// <summary>As <see cref="Invoice.MarkPaymentInitiated"/>: changes only the status, updated_at and payment_initiated_at.</summary>
    public bool MarkPaymentInitiated(Instant now)
    {
        var changed = false;
        var next = Invoice.StatusOnceInitiated(Status);
        if (next != Status)
        {
            Status = next;
            UpdatedAt = now;
            changed = true;
        }

        if (PaymentInitiatedAt is null)
        {
            PaymentInitiatedAt = now;
            _events.Add(new InvoiceEvent(InvoiceEvents.PaymentInitiated, now));
            changed = true;
        }

        return changed;
    }

    /// <summary>Called by the repository once the change and its events are written.</summary>
    public void MarkSaved() => _events.Clear();
}

/// <summary>One installment's amount and what is applied to it, read beside an <see cref="InvoiceHeader"/>.</summary>
public sealed record InstallmentBalance(int Number, Money Amount, Money AmountPaid)
{
    public Money Outstanding => AmountPaid >= Amount ? Money.Zero(Amount.Currency) : Amount - AmountPaid;
}
