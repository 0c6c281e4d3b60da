namespace PayTrust.Domain.Invoices;

/// <summary>Event types an invoice raises (spec §9); each is written to the outbox with the change that raised it.</summary>
public static class InvoiceEvents
{
    public const string Created = "invoice.created";
    public const string Updated = "invoice.updated";
    public const string PaymentInitiated = "invoice.payment_initiated";
    public const string PartiallyPaid = "invoice.partially_paid";
    public const string Paid = "invoice.paid";
    public const string Expired = "invoice.expired";
    public const string Cancelled = "invoice.cancelled";
    public const string InstallmentPaid = "installment.paid";
}

/// <summary>Something that happened to an invoice, waiting to be written to the outbox. <see cref="InstallmentNumber"/> only for installment events.</summary>
public sealed record InvoiceEvent(string Type, NodaTime.Instant OccurredAt, int? InstallmentNumber = null);
