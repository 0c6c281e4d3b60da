using PayTrust.Domain.Errors;

namespace PayTrust.Domain.Invoices;

public enum InvoiceStatus
{
    /// <summary>Created; no payment has been initiated yet. The only state whose terms (lines, gateway, expiry…) can be revised.</summary>
    Draft,
    /// <summary>A payment was initiated (payment_initiated_at is set).</summary>
    Pending,
    /// <summary>0 &lt; amount_paid &lt; total_amount.</summary>
    PartiallyPaid,
    /// <summary>amount_paid ≥ total_amount. Terminal.</summary>
    FullyPaid,
    /// <summary>The last attempt failed terminally and nothing has been paid; a new attempt returns it to pending.</summary>
    Failed,
    /// <summary>Expiry passed before full payment. Terminal.</summary>
    Expired,
    /// <summary>Cancelled by the merchant while nothing was paid. Terminal.</summary>
    Cancelled,
}

/// <summary>
/// The one place that says which status may follow which (spec §4). Every change of an invoice's status
/// goes through <see cref="EnsureCanMove"/>; an illegal move is an error, never a silent no-op.
/// </summary>
public static class InvoiceStateMachine
{
    private static readonly Dictionary<InvoiceStatus, InvoiceStatus[]> Moves = new()
    {
        // A payment recorded by the merchant (bank transfer, manual settlement) may arrive before any attempt.
        [InvoiceStatus.Draft] = [InvoiceStatus.Pending, InvoiceStatus.PartiallyPaid, InvoiceStatus.FullyPaid, InvoiceStatus.Expired, InvoiceStatus.Cancelled],
        [InvoiceStatus.Pending] = [InvoiceStatus.PartiallyPaid, InvoiceStatus.FullyPaid, InvoiceStatus.Failed, InvoiceStatus.Expired, InvoiceStatus.Cancelled],
        [InvoiceStatus.PartiallyPaid] = [InvoiceStatus.FullyPaid, InvoiceStatus.Expired],
        // A late success for an earlier attempt can still arrive after a failure.
        [InvoiceStatus.Failed] = [InvoiceStatus.Pending, InvoiceStatus.PartiallyPaid, InvoiceStatus.FullyPaid, InvoiceStatus.Expired, InvoiceStatus.Cancelled],
        [InvoiceStatus.FullyPaid] = [],
        [InvoiceStatus.Expired] = [],
        [InvoiceStatus.Cancelled] = [],
    };

    public static IReadOnlyList<InvoiceStatus> NextFrom(InvoiceStatus status) => Moves[status];

    public static bool CanMove(InvoiceStatus from, InvoiceStatus to) => Moves[from].Contains(to);

    public static bool IsTerminal(InvoiceStatus status) => Moves[status].Length == 0;

    public static void EnsureCanMove(InvoiceStatus from, InvoiceStatus to)
    {
        if (!CanMove(from, to))
        {
            throw new PayTrustException(
                ErrorKind.Conflict,
                "invalid_status_transition",
                $"An invoice cannot go from {StatusNames.Of(from)} to {StatusNames.Of(to)}");
        }
    }
}

/// <summary>Status names as the API and the database spell them.</summary>
public static class StatusNames
{
    public static string Of(InvoiceStatus status) => status switch
    {
        InvoiceStatus.Draft => "draft",
        InvoiceStatus.Pending => "pending",
        InvoiceStatus.PartiallyPaid => "partially_paid",
        InvoiceStatus.FullyPaid => "fully_paid",
        InvoiceStatus.Failed => "failed",
        InvoiceStatus.Expired => "expired",
        InvoiceStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static InvoiceStatus Parse(string name) =>
        TryParse(name, out var status) ? status : throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown invoice status");

    public static bool TryParse(string? name, out InvoiceStatus status)
    {
        foreach (var candidate in Enum.GetValues<InvoiceStatus>())
        {
            if (Of(candidate) == name)
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}
