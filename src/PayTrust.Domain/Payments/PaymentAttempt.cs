using NodaTime;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Payments;

/// <summary>Where an attempt is (spec §7.2): creating until the gateway answered, pending while its session is open.</summary>
public enum PaymentAttemptStatus
{
    Creating,
    Pending,
    Succeeded,
    Failed,
    Expired,
}

/// <summary>
/// One try at collecting an invoice (or its next installment) through a gateway: inserted as
/// <c>creating</c> under the invoice lock before the gateway is called, then opened with the gateway's
/// session or failed with a §7.6 code. Its <see cref="Reference"/> is what the gateway knows it by
/// (Xendit external_id, Midtrans order_id): the invoice's payment reference and the attempt's number.
/// </summary>
public sealed class PaymentAttempt
{
    /// <summary>
    /// A creating attempt older than this was abandoned (its process died between the two transactions);
    /// it no longer blocks new attempts. Longer than any gateway timeout.
    /// </summary>
    public static readonly Duration AbandonedAfter = Duration.FromMinutes(2);

    /// <summary>An open session closer than this to its end is not handed out again: the customer needs time to pay.</summary>
    public static readonly Duration ReuseMargin = Duration.FromMinutes(5);

    private PaymentAttempt()
    {
    }

    public Guid Id { get; private init; }

    public Guid TenantId { get; private init; }

    public Guid InvoiceId { get; private init; }

    public int? InstallmentNumber { get; private init; }

    public int AttemptNumber { get; private init; }

    public string Reference { get; private init; } = "";

    public string Rail { get; private init; } = "";

    public string Gateway { get; private init; } = "";

    public Money Amount { get; private init; }

    public PaymentAttemptStatus Status { get; private set; }

    public string? GatewayReference { get; private set; }

    public string? CheckoutUrl { get; private set; }

    public FailureCode? FailureCode { get; private set; }

    public Instant CreatedAt { get; private init; }

    public Instant UpdatedAt { get; private set; }

    /// <summary>When the checkout session ends (planned at creation, then as the gateway reports it).</summary>
    public Instant ExpiresAt { get; private set; }

    public static PaymentAttempt Start(
        Guid tenantId, Guid invoiceId, string invoicePaymentReference, int attemptNumber, int? installmentNumber,
        Money amount, string rail, string gateway, Instant now, Instant expiresAt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attemptNumber, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(amount.Minor, 1L, nameof(amount));
        return new PaymentAttempt
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            InvoiceId = invoiceId,
            InstallmentNumber = installmentNumber,
            AttemptNumber = attemptNumber,
            Reference = ReferenceFor(invoicePaymentReference, attemptNumber),
            Rail = rail,
            Gateway = gateway,
            Amount = amount,
            Status = PaymentAttemptStatus.Creating,
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = expiresAt,
        };
    }

    public static PaymentAttempt Restore(PaymentAttemptSnapshot stored) => new()
    {
        Id = stored.Id,
        TenantId = stored.TenantId,
        InvoiceId = stored.InvoiceId,
        InstallmentNumber = stored.InstallmentNumber,
        AttemptNumber = stored.AttemptNumber,
        Reference = stored.Reference,
        Rail = stored.Rail,
        Gateway = stored.Gateway,
        Amount = stored.Amount,
        Status = stored.Status,
        GatewayReference = stored.GatewayReference,
        CheckoutUrl = stored.CheckoutUrl,
        FailureCode = stored.FailureCode,
        CreatedAt = stored.CreatedAt,
        UpdatedAt = stored.UpdatedAt,
        ExpiresAt = stored.ExpiresAt,
    };

    /// <summary>"PT…X-001": readable on a gateway's dashboard next to the invoice it belongs to, unique because both parts are.</summary>
    public static string ReferenceFor(string invoicePaymentReference, int attemptNumber) => $"{invoicePaymentReference}-{attemptNumber:D3}";

    /// <summary>Still being created by a live request: a second request must wait (409 payment_in_progress).</summary>
    public bool IsInProgressAt(Instant now) => Status == PaymentAttemptStatus.Creating && now - CreatedAt < AbandonedAfter;

    /// <summary>An open session for exactly this payment that the customer still has time to use.</summary>
    public bool CanBeReusedFor(PaymentDue due, Instant now) =>
        Status == PaymentAttemptStatus.Pending && InstallmentNumber == due.InstallmentNumber && Amount == due.Amount
        && ExpiresAt - now > ReuseMargin;

    /// <summary>
    /// Whether this attempt collects exactly what the invoice asks for now, through the invoice's gateway: the same
    /// installment (or the whole invoice) and the same amount. An open session that does not is closed (spec §7.4 step 9).
    /// </summary>
    public bool MatchesDue(PaymentDue? due, string gateway) =>
        due is { } now && InstallmentNumber == now.InstallmentNumber && Amount == now.Amount && Gateway == gateway;

    /// <summary>
    /// <see cref="MatchesDue"/> judged from the invoice's header and one installment row: this attempt's installment, or
    /// installment 1 for an attempt on the whole invoice (any row there means the invoice is now paid in installments).
    /// Installments are paid in order and a paid one never becomes unpaid again, so an installment that was the next
    /// unpaid one when the attempt was taken and still has something outstanding is still the next unpaid one.
    /// </summary>
    public bool StillDueOn(InvoiceHeader invoice, InstallmentBalance? installment)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        if (!Invoice.TakesPayments(invoice.Status) || invoice.Gateway != Gateway)
        {
            return false;
        }

        return InstallmentNumber is null
            ? installment is null && invoice.AmountDue == Amount
            : installment is { } due && due.Number == InstallmentNumber && due.Outstanding == Amount;
    }

    /// <summary>
    /// The gateway opened a session for this attempt that is not to be paid after all (the invoice closed or changed
    /// meanwhile, or the attempt was given up): the session's reference is kept so it can be closed at the gateway, and
    /// an attempt still being created expires. A given-up attempt keeps its status.
    /// </summary>
    public void DiscardSession(string gatewayReference, Instant now)
    {
        ArgumentException.ThrowIfNullOrEmpty(gatewayReference);
        GatewayReference ??= gatewayReference;
        if (Status == PaymentAttemptStatus.Creating)
        {
            Status = PaymentAttemptStatus.Expired;
        }

        UpdatedAt = now;
    }

    /// <summary>The gateway opened the session.</summary>
    public void Open(string gatewayReference, string checkoutUrl, Instant expiresAt, Instant now)
    {
        EnsureCreating();
        Status = PaymentAttemptStatus.Pending;
        GatewayReference = gatewayReference;
        CheckoutUrl = checkoutUrl;
        ExpiresAt = expiresAt;
        UpdatedAt = now;
    }

    /// <summary>The gateway refused or could not be reached; the attempt is over (never retried automatically, §7.2).</summary>
    public void Fail(FailureCode failure, Instant now)
    {
        if (Status is not (PaymentAttemptStatus.Creating or PaymentAttemptStatus.Pending))
        {
            throw new InvalidOperationException($"A {Status} attempt cannot fail.");
        }

        Status = PaymentAttemptStatus.Failed;
        FailureCode = failure;
        UpdatedAt = now;
    }

    /// <summary>
    /// The gateway reports the money paid. Whatever the attempt's state, the money arrived: an expired, superseded
    /// or failed session that was paid anyway is still paid. Returns false when it was already succeeded.
    /// </summary>
    public bool MarkPaid(Instant now)
    {
        if (Status == PaymentAttemptStatus.Succeeded)
        {
            return false;
        }

        Status = PaymentAttemptStatus.Succeeded;
        FailureCode = null;
        UpdatedAt = now;
        return true;
    }

    /// <summary>
    /// The gateway reports the payment refused (declined, expired, cancelled…). Only an open attempt changes; a
    /// rejection that arrives after a success or a close is history, not news. Returns whether it changed.
    /// </summary>
    public bool RecordRejection(FailureCode failure, Instant now)
    {
        if (Status is not (PaymentAttemptStatus.Creating or PaymentAttemptStatus.Pending))
        {
            return false;
        }

        Fail(failure, now);
        return true;
    }

    /// <summary>An abandoned creation (its process died before recording the gateway's answer).</summary>
    public void Abandon(Instant now)
    {
        EnsureCreating();
        Fail(Payments.FailureCode.InternalError, now);
    }

    /// <summary>The session was closed on purpose (invoice cancelled, superseded) or ran out.</summary>
    public void Expire(Instant now)
    {
        if (Status is not (PaymentAttemptStatus.Creating or PaymentAttemptStatus.Pending))
        {
            throw new InvalidOperationException($"A {Status} attempt cannot expire.");
        }

        Status = PaymentAttemptStatus.Expired;
        UpdatedAt = now;
    }

    private void EnsureCreating()
    {
        if (Status != PaymentAttemptStatus.Creating)
        {
            throw new InvalidOperationException($"Only a creating attempt can be opened; this one is {Status}.");
        }
    }
}

/// <summary>A stored attempt, as the repository reads it back.</summary>
public sealed record PaymentAttemptSnapshot(
    Guid Id,
    Guid TenantId,
    Guid InvoiceId,
    int? InstallmentNumber,
    int AttemptNumber,
    string Reference,
    string Rail,
    string Gateway,
    Money Amount,
    PaymentAttemptStatus Status,
    string? GatewayReference,
    string? CheckoutUrl,
    FailureCode? FailureCode,
    Instant CreatedAt,
    Instant UpdatedAt,
    Instant ExpiresAt);

/// <summary>The stored and returned names of attempt statuses.</summary>
public static class PaymentAttemptStatusNames
{
    public static string Of(PaymentAttemptStatus status) => status switch
    {
        PaymentAttemptStatus.Creating => "creating",
        PaymentAttemptStatus.Pending => "pending",
        PaymentAttemptStatus.Succeeded => "succeeded",
        PaymentAttemptStatus.Failed => "failed",
        PaymentAttemptStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static PaymentAttemptStatus Parse(string name)
    {
        foreach (var status in Enum.GetValues<PaymentAttemptStatus>())
        {
            if (Of(status) == name)
            {
                return status;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(name), name, "Not an attempt status.");
    }
}
