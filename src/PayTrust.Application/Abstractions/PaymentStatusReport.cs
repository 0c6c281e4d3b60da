using PayTrust.Domain.Payments;

namespace PayTrust.Application.Abstractions;

/// <summary>
/// A pain.002-style status for one gateway transaction: the <see cref="TxSts"/> and, for a rejection only, the
/// §7.6 reason — never a gateway's raw word. Built through the factories, so RJCT always has a reason and the
/// others never do.
/// </summary>
public sealed record PaymentStatusReport
{
    private PaymentStatusReport(TxSts status, FailureCode? reason)
    {
        Status = status;
        Reason = reason;
    }

    public static PaymentStatusReport Settled { get; } = new(TxSts.ACSC, null);

    public static PaymentStatusReport AwaitingReview { get; } = new(TxSts.ACCP, null);

    public static PaymentStatusReport Pending { get; } = new(TxSts.PDNG, null);

    public TxSts Status { get; }

    /// <summary>Set exactly when <see cref="Status"/> is RJCT.</summary>
    public FailureCode? Reason { get; }

    public static PaymentStatusReport Rejected(FailureCode reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return new(TxSts.RJCT, reason);
    }

    public override string ToString() => Reason is null ? Status.ToString() : $"{Status} {Reason}";
}
