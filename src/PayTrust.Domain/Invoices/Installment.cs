using NodaTime;
using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Invoices;

public enum InstallmentStatus
{
    Unpaid,
    Paid,
    /// <summary>Unpaid and past its due date.</summary>
    Overdue,
}

/// <summary>
/// One installment: its payable <see cref="Amount"/> and that amount's share of tax and service fee
/// (<c>subtotal = amount − tax − service_fee</c>), plus what has been applied to it so far.
/// </summary>
public sealed record Installment(
    int Number,
    Instant DueDate,
    Money Amount,
    Money Tax,
    Money ServiceFee,
    Money AmountPaid,
    Instant? PaidAt)
{
    public Money Subtotal => Amount - Tax - ServiceFee;

    public bool IsPaid => AmountPaid >= Amount;

    public Money Outstanding => IsPaid ? Money.Zero(Amount.Currency) : Amount - AmountPaid;

    public InstallmentStatus StatusAt(Instant now) =>
        IsPaid ? InstallmentStatus.Paid
        : now > DueDate ? InstallmentStatus.Overdue
        : InstallmentStatus.Unpaid;
}
