using NodaTime;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Invoices;

/// <summary>
/// The invoice aggregate (spec §2, §4, §5). It computes its own totals and schedule, guards its status
/// through <see cref="InvoiceStateMachine"/>, and collects the events its changes raise; the repository
/// writes those to the outbox in the same transaction as the change.
/// </summary>
public sealed class Invoice
{
    private readonly List<InvoiceEvent> _events = [];

    private Invoice()
    {
    }

    public Guid Id { get; private init; }

    public Guid TenantId { get; private init; }

    public string? ExternalId { get; private init; }

    public string? PaymentMethod { get; private init; }

    public Guid? ParentInvoiceId { get; private init; }

    public string PaymentReference { get; private set; } = "";

    /// <summary>The secret in the invoice's /pay/{token} link: 128 random bits, base64url.</summary>
    public string PaymentToken { get; private init; } = "";

    public InvoiceStatus Status { get; private set; }

    public Currency Currency { get; private set; } = Currency.IDR;

    public string Gateway { get; private set; } = "";

    public FeeRule FeeRule { get; private set; } = new(0m, 0);

    private IReadOnlyList<LineItem>? _lineItems = [];

    /// <summary>
    /// The lines, as given. An invoice restored for taking or applying a payment is read without them (none of
    /// that needs them, and reading them cost every payment two statements): asking then is a programming error.
    /// </summary>
    public IReadOnlyList<LineItem> LineItems
    {
        get => _lineItems ?? throw new InvalidOperationException($"Invoice {Id} was read without its line items.");
        private set => _lineItems = value;
    }

    public InvoiceTotals Totals { get; private set; } = null!;

    public InstallmentSchedule? Schedule { get; private set; }

    public Money AmountPaid { get; private set; }

    public Money Overpayment { get; private set; }

    /// <summary>
    /// Money that left the invoice's applied payments afterwards — refunds, chargebacks, reversals (spec §7.4 step 6) —
    /// beside <see cref="AmountPaid"/>, never subtracted from it: fully_paid stays terminal. Maintained by the store that
    /// records money out; read here for the invoice resource.
    /// </summary>
    public Money AmountRefunded { get; private set; }

    public Money AmountDue => Due(Totals.Total, AmountPaid);

    /// <summary>What is still to pay of <paramref name="total"/> once <paramref name="paid"/> arrived: never below zero.</summary>
    public static Money Due(Money total, Money paid) => paid >= total ? Money.Zero(total.Currency) : total - paid;

    public string? Description { get; private set; }

    public Customer? Customer { get; private set; }

    /// <summary>The merchant's metadata as the JSON object text they sent (≤ 4 KiB).</summary>
    public string? Metadata { get; private set; }

    public Instant CreatedAt { get; private init; }

    public Instant UpdatedAt { get; private set; }

    public Instant ExpiresAt { get; private set; }

    public Instant? PaymentInitiatedAt { get; private set; }

    public Instant? PaidAt { get; private set; }

    public Instant? CancelledAt { get; private set; }

    public Instant? ExpiredAt { get; private set; }

    public bool IsSupplementary => ParentInvoiceId is not null;

    public Instant? LastDueDate => Schedule?.LastDueDate;

    /// <summary>Line items were replaced since loading (so the repository rewrites them).</summary>
    public bool LineItemsChanged { get; private set; }

    /// <summary>The installment schedule changed since loading.</summary>
    public bool ScheduleChanged { get; private set; }

    /// <summary>Events raised since the invoice was loaded or created, in order.</summary>
    public IReadOnlyList<InvoiceEvent> PendingEvents => _events;

    public static Invoice Create(
        Guid id,
        Guid tenantId,
        string? externalId,
        string? paymentMethod,
        Guid? parentInvoiceId,
        InvoiceTerms terms,
        string paymentReference,
        string paymentToken,
        Instant now)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var invoice = new Invoice
        {
            Id = id,
            TenantId = tenantId,
            ExternalId = externalId,
            PaymentMethod = paymentMethod,
            ParentInvoiceId = parentInvoiceId,
            PaymentReference = paymentReference,
            PaymentToken = paymentToken,
            Status = InvoiceStatus.Draft,
            CreatedAt = now,
            UpdatedAt = now,
        };
        invoice.ApplyTerms(terms);
        invoice.AmountPaid = Money.Zero(terms.Currency);
        invoice.Overpayment = Money.Zero(terms.Currency);
        invoice.AmountRefunded = Money.Zero(terms.Currency);
        invoice.Raise(InvoiceEvents.Created, now);
        return invoice;
    }

    /// <summary>Rehydrates a stored invoice; no rule is re-run and no event raised.</summary>
    public static Invoice Restore(InvoiceSnapshot stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new Invoice
        {
            Id = stored.Id,
            TenantId = stored.TenantId,
            ExternalId = stored.ExternalId,
            PaymentMethod = stored.PaymentMethod,
            ParentInvoiceId = stored.ParentInvoiceId,
            PaymentReference = stored.PaymentReference,
            PaymentToken = stored.PaymentToken,
            Status = stored.Status,
            Currency = stored.Currency,
            Gateway = stored.Gateway,
            FeeRule = stored.FeeRule,
            _lineItems = stored.LineItems,
            Totals = stored.Totals,
            Schedule = stored.Schedule,
            AmountPaid = stored.AmountPaid,
            Overpayment = stored.Overpayment,
            AmountRefunded = stored.AmountRefunded ?? Money.Zero(stored.Currency),
            Description = stored.Description,
            Customer = stored.Customer,
            Metadata = stored.Metadata,
            CreatedAt = stored.CreatedAt,
            UpdatedAt = stored.UpdatedAt,
            ExpiresAt = stored.ExpiresAt,
            PaymentInitiatedAt = stored.PaymentInitiatedAt,
            PaidAt = stored.PaidAt,
            CancelledAt = stored.CancelledAt,
            ExpiredAt = stored.ExpiredAt,
        };
    }

    /// <summary>A fresh reference when the first one collided with another invoice's (astronomically rare, but unique is unique).</summary>
    public void ReissuePaymentReference(string paymentReference)
    {
        EnsureStatus(InvoiceStatus.Draft);
        PaymentReference = paymentReference;
    }

    /// <summary>
    /// PATCH while draft: everything recomputed from the new terms, with created_at still "now" for the rules.
    /// Terms without installments keep the current schedule's shape rather than removing it.
    /// </summary>
    public void Revise(InvoiceTerms terms, Instant now)
    {
        ArgumentNullException.ThrowIfNull(terms);
        EnsureRevisable();

        if (terms.Currency != Currency)
        {
            throw new PayTrustException(ErrorKind.InvalidInput, "currency_immutable", "An invoice's currency cannot change");
        }

        if (IsSupplementary && (terms.Gateway != Gateway || terms.Customer != Customer))
        {
            throw new PayTrustException(ErrorKind.BusinessRule, "supplementary_inherited",
                "A supplementary invoice takes its gateway and customer from its parent; they cannot change");
        }

        // Without a new expires_at the current one stays if the new terms still allow it; otherwise the default
        // applies. Without new installments the schedule keeps its shape (see KeptPlan).
        ApplyTerms(terms, keepExpiry: ExpiresAt, keepScheduleShape: true);
        LineItemsChanged = true;
        ScheduleChanged = true;
        Touch(InvoiceEvents.Updated, now);
    }

    /// <summary>
    /// A supplementary invoice may hang off this one (spec §4): it must not itself be supplementary, and its
    /// payment must have begun (pending, partially_paid or fully_paid).
    /// </summary>
    public void EnsureCanTakeSupplementary()
    {
        if (IsSupplementary)
        {
            throw new PayTrustException(ErrorKind.BusinessRule, "supplementary_chaining", "Cannot create supplementary invoice from another supplementary invoice");
        }

        if (Status is not (InvoiceStatus.Pending or InvoiceStatus.PartiallyPaid or InvoiceStatus.FullyPaid))
        {
            throw new PayTrustException(ErrorKind.BusinessRule, "invalid_parent_status", $"Cannot create supplementary invoice for {StatusNames.Of(Status)} parent invoice");
        }
    }

    /// <summary>Only a draft can be revised: once payment is initiated the invoice is immutable (spec §4).</summary>
    public void EnsureRevisable()
    {
        if (Status != InvoiceStatus.Draft)
        {
            throw Immutable();
        }
    }

    /// <summary>New payable amounts for the unpaid installments (spec §5); allowed in draft, pending and partially_paid.</summary>
    public void RescheduleInstallments(IReadOnlyList<long> unpaidAmounts, Instant now)
    {
        if (Status is not (InvoiceStatus.Draft or InvoiceStatus.Pending or InvoiceStatus.PartiallyPaid))
        {
            throw new PayTrustException(ErrorKind.Conflict, "invoice_immutable", $"Installments cannot change on a {StatusNames.Of(Status)} invoice");
        }

        if (Schedule is null)
        {
            throw new PayTrustException(ErrorKind.BusinessRule, "no_installment_schedule", "This invoice is paid in one payment; it has no installments to change");
        }

        var (schedule, nowPaid) = Schedule.Reschedule(Totals, unpaidAmounts, now);
        Schedule = schedule;
        ScheduleChanged = true;
        foreach (var number in nowPaid)
        {
            Raise(InvoiceEvents.InstallmentPaid, now, number);
        }
        Touch(InvoiceEvents.Updated, now);
    }

    /// <summary>
    /// What the next payment attempt collects (spec §5, §7.1): the next unpaid installment's outstanding
    /// amount, or everything still due. Only that installment may be asked for (409
    /// installment_out_of_sequence); a closed or lapsed invoice takes nothing (409 invoice_not_payable).
    /// </summary>
    public PaymentDue NextPaymentDue(int? requestedInstallment, Instant now)
    {
        if (!IsOpenForPayment)
        {
            throw NotPayable();
        }

        if (now >= ExpiresAt)
        {
            throw new PayTrustException(ErrorKind.Conflict, "invoice_not_payable", "Invoice has expired and cannot take payments");
        }

        if (Schedule is null)
        {
            if (requestedInstallment is not null)
            {
                throw new PayTrustException(ErrorKind.BusinessRule, "invalid_installment", "Invoice has no installments");
            }

            return new PaymentDue(null, AmountDue);
        }

        if (requestedInstallment is { } number && (number < 1 || number > Schedule.Count))
        {
            throw new PayTrustException(ErrorKind.BusinessRule, "invalid_installment", $"Invoice has installments 1 to {Schedule.Count}");
        }

        var next = Schedule.NextUnpaid ?? throw NotPayable();
        if (requestedInstallment is { } requested && requested != next.Number)
        {
            throw new PayTrustException(ErrorKind.Conflict, "installment_out_of_sequence",
                $"Installment {requested} cannot be paid now; installment {next.Number} is the next unpaid one");
        }

        return new PaymentDue(next.Number, next.Outstanding);
    }

    /// <summary>
    /// What a payment attempt taken now would collect — the next unpaid installment's outstanding amount, or everything
    /// still due — whatever the time; null once the invoice takes no more payments or nothing is left to pay. An open
    /// checkout session for anything else no longer matches the invoice (spec §7.4 step 9).
    /// </summary>
    public PaymentDue? OutstandingDue =>
        !IsOpenForPayment ? null
        : Schedule is null ? (AmountDue.Minor > 0 ? new PaymentDue(null, AmountDue) : null)
        : Schedule.NextUnpaid is { } next ? new PaymentDue(next.Number, next.Outstanding)
        : null;

    /// <summary>Whether the invoice can take money: not paid, cancelled or expired.</summary>
    public bool IsOpenForPayment => TakesPayments(Status);

    /// <summary>The statuses in which an invoice can take money: all but paid, cancelled and expired.</summary>
    public static bool TakesPayments(InvoiceStatus status) =>
        status is InvoiceStatus.Draft or InvoiceStatus.Pending or InvoiceStatus.PartiallyPaid or InvoiceStatus.Failed;

    /// <summary>Open for payment and not past its expiry (which the expiry worker may not have recorded yet).</summary>
    public bool CanTakePaymentAt(Instant now) => CanTakePayment(Status, ExpiresAt, now);

    /// <summary><see cref="CanTakePaymentAt"/> for an invoice in <paramref name="status"/> that expires at <paramref name="expiresAt"/>.</summary>
    public static bool CanTakePayment(InvoiceStatus status, Instant expiresAt, Instant now) => TakesPayments(status) && now < expiresAt;

    /// <summary>
    /// A checkout session was opened: draft or failed → pending; payment_initiated_at is set once and never
    /// changed. Returns whether anything changed (a later attempt on a pending invoice changes nothing).
    /// </summary>
    public bool MarkPaymentInitiated(Instant now)
    {
        var changed = false;
        var next = StatusOnceInitiated(Status);
        if (next != Status)
        {
            MoveTo(next, now);
            changed = true;
        }

        if (PaymentInitiatedAt is null)
        {
            PaymentInitiatedAt = now;
            Raise(InvoiceEvents.PaymentInitiated, now);
            changed = true;
        }

        return changed;
    }

    /// <summary>
    /// The last attempt failed terminally. Only an invoice with nothing paid becomes failed; one with money
    /// applied stays partially_paid (its next installment simply remains open) and a failed one stays failed.
    /// An attempt cannot fail on an invoice that never had one, or on a closed one.
    /// </summary>
    public void MarkAttemptFailed(Instant now)
    {
        if (Status == InvoiceStatus.Pending && AmountPaid.Minor == 0)
        {
            MoveTo(InvoiceStatus.Failed, now);
        }
        else if (Status is not (InvoiceStatus.PartiallyPaid or InvoiceStatus.Failed))
        {
            InvoiceStateMachine.EnsureCanMove(Status, InvoiceStatus.Failed);
        }
    }

    /// <summary>
    /// Whether money received now can be applied: not once the invoice is cancelled or expired (such money is
    /// recorded and reported as a discrepancy instead). A fully paid invoice still takes it, as overpayment.
    /// </summary>
    public bool CanApplyMoney => Status is not (InvoiceStatus.Cancelled or InvoiceStatus.Expired);

    /// <summary>
    /// Applies money received (spec §5): installments first in order with carry-forward, the excess
    /// beyond the total as overpayment; partially_paid or fully_paid accordingly. More money for a fully
    /// paid invoice only grows its overpayment.
    /// </summary>
    public void ApplyPayment(Money amount, Instant now)
    {
        if (amount.Currency != Currency)
        {
            throw new CurrencyMismatchException(Currency, amount.Currency);
        }

        if (amount.Minor <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "A payment is at least 1 minor unit.");
        }

        if (!CanApplyMoney)
        {
            throw NotPayable();
        }

        var wasFullyPaid = Status == InvoiceStatus.FullyPaid;
        AmountPaid += amount;
        UpdatedAt = now;
        if (Schedule is not null)
        {
            var (schedule, _, newlyPaid) = Schedule.Apply(amount, now);
            Schedule = schedule;
            ScheduleChanged = true;
            foreach (var number in newlyPaid)
            {
                Raise(InvoiceEvents.InstallmentPaid, now, number);
            }
        }

        Overpayment = AmountPaid > Totals.Total ? AmountPaid - Totals.Total : Money.Zero(Currency);
        if (wasFullyPaid)
        {
            return;
        }

        if (AmountPaid >= Totals.Total)
        {
            PaidAt = now;
            MoveTo(InvoiceStatus.FullyPaid, now);
            Raise(InvoiceEvents.Paid, now);
        }
        else
        {
            if (Status != InvoiceStatus.PartiallyPaid)
            {
                MoveTo(InvoiceStatus.PartiallyPaid, now);
            }

            Raise(InvoiceEvents.PartiallyPaid, now);
        }
    }

    /// <summary>By the merchant, only while nothing is paid and the invoice is not terminal.</summary>
    public void Cancel(Instant now)
    {
        if (AmountPaid.Minor > 0 || !InvoiceStateMachine.CanMove(Status, InvoiceStatus.Cancelled))
        {
            throw new PayTrustException(
                ErrorKind.Conflict,
                "invoice_not_cancellable",
                AmountPaid.Minor > 0
                    ? "Invoice cannot be cancelled: payments have been applied to it"
                    : $"Invoice cannot be cancelled: it is {StatusNames.Of(Status)}");
        }

        MoveTo(InvoiceStatus.Cancelled, now);
        CancelledAt = now;
        Raise(InvoiceEvents.Cancelled, now);
    }

    /// <summary>Expiry passed before full payment (the expiry worker).</summary>
    public void Expire(Instant now)
    {
        if (now < ExpiresAt)
        {
            throw new PayTrustException(ErrorKind.Conflict, "invoice_not_expired", $"Invoice does not expire until {ExpiresAt}");
        }

        MoveTo(InvoiceStatus.Expired, now);
        ExpiredAt = now;
        Raise(InvoiceEvents.Expired, now);
    }

    /// <summary>Called by the repository once everything is written: forgets raised events and change marks.</summary>
    public void MarkSaved()
    {
        _events.Clear();
        LineItemsChanged = false;
        ScheduleChanged = false;
    }

    private void ApplyTerms(InvoiceTerms terms, Instant? keepExpiry = null, bool keepScheduleShape = false)
    {
        if (terms.LineItems.Count is < 1 or > InvoiceTerms.MaxLineItems)
        {
            throw new PayTrustException(ErrorKind.InvalidInput, "invalid_line_items", $"An invoice has 1 to {InvoiceTerms.MaxLineItems} line items");
        }

        if (terms.LineItems.Any(line => line.UnitPrice.Currency != terms.Currency))
        {
            throw new CurrencyMismatchException(terms.Currency, terms.LineItems.First(line => line.UnitPrice.Currency != terms.Currency).UnitPrice.Currency);
        }

        var totals = InvoiceTotals.Compute(terms.Currency, terms.LineItems, terms.FeeRule);
        var plan = terms.Installments ?? (keepScheduleShape ? KeptPlan(totals) : null);
        var schedule = plan is null ? null : InstallmentSchedule.Plan(totals, plan, CreatedAt);
        ExpiresAt = terms.RequestedExpiry is null && keepExpiry is { } kept && ExpiryPolicy.Allows(CreatedAt, kept, schedule?.LastDueDate)
            ? kept
            : ExpiryPolicy.Resolve(CreatedAt, terms.RequestedExpiry, schedule?.LastDueDate);
        Currency = terms.Currency;
        Gateway = terms.Gateway;
        FeeRule = terms.FeeRule;
        LineItems = terms.LineItems;
        Totals = totals;
        Schedule = schedule;
        Description = terms.Description;
        Customer = terms.Customer;
        Metadata = terms.Metadata;
    }

    // A revision that sends no installments keeps the schedule's count and due dates, and its amounts while
    // the total is unchanged; a changed total is split equally again (ADR 9).
    private InstallmentPlan? KeptPlan(InvoiceTotals newTotals) =>
        Schedule is not { } schedule
            ? null
            : new InstallmentPlan(
                schedule.Count,
                newTotals.Total == Totals.Total ? schedule.Installments.Select(i => i.Amount.Minor).ToArray() : null,
                IntervalDays: null,
                schedule.Installments.Select(i => i.DueDate).ToArray());

    private void MoveTo(InvoiceStatus next, Instant now)
    {
        InvoiceStateMachine.EnsureCanMove(Status, next);
        Status = next;
        UpdatedAt = now;
    }

    private void Touch(string eventType, Instant now)
    {
        UpdatedAt = now;
        Raise(eventType, now);
    }

    private void Raise(string type, Instant now, int? installmentNumber = null) => _events.Add(new InvoiceEvent(type, now, installmentNumber));

    private void EnsureStatus(InvoiceStatus expected)
    {
        if (Status != expected)
        {
            throw new InvalidOperationException($"Expected a {StatusNames.Of(expected)} invoice, found {StatusNames.Of(Status)}.");
        }
    }

    /// <summary>
    /// The status an invoice in <paramref name="status"/> has once a checkout session is open for it: draft or
    /// failed → pending; pending and partially paid stay; any other cannot take payments (409 invoice_not_payable).
    /// </summary>
    public static InvoiceStatus StatusOnceInitiated(InvoiceStatus status)
    {
        if (status is InvoiceStatus.Draft or InvoiceStatus.Failed)
        {
            InvoiceStateMachine.EnsureCanMove(status, InvoiceStatus.Pending);
            return InvoiceStatus.Pending;
        }

        return status is InvoiceStatus.Pending or InvoiceStatus.PartiallyPaid ? status : throw NotPayable(status);
    }

    private PayTrustException NotPayable() => NotPayable(Status);

    private static PayTrustException NotPayable(InvoiceStatus status) =>
        new(ErrorKind.Conflict, "invoice_not_payable", $"Invoice is {StatusNames.Of(status)} and cannot take payments");

    private PayTrustException Immutable() =>
        Status is InvoiceStatus.Cancelled or InvoiceStatus.Expired or InvoiceStatus.FullyPaid
            ? new(ErrorKind.Conflict, "invoice_immutable", $"Invoice is {StatusNames.Of(Status)} and can no longer change")
            : new(ErrorKind.Conflict, "invoice_immutable", "Cannot modify line items after payment initiated");
}

/// <summary>What one payment attempt asks for: an installment (or the whole invoice when null) and its amount.</summary>
public sealed record PaymentDue(int? InstallmentNumber, Money Amount);

/// <summary>A stored invoice, as the repository reads it back; <see cref="LineItems"/> is null when they were not read.</summary>
public sealed record InvoiceSnapshot(
    Guid Id,
    Guid TenantId,
    string? ExternalId,
    string? PaymentMethod,
    Guid? ParentInvoiceId,
    string PaymentReference,
    string PaymentToken,
    InvoiceStatus Status,
    Currency Currency,
    string Gateway,
    FeeRule FeeRule,
    IReadOnlyList<LineItem>? LineItems,
    InvoiceTotals Totals,
    InstallmentSchedule? Schedule,
    Money AmountPaid,
    Money Overpayment,
    string? Description,
    Customer? Customer,
    string? Metadata,
    Instant CreatedAt,
    Instant UpdatedAt,
    Instant ExpiresAt,
    Instant? PaymentInitiatedAt,
    Instant? PaidAt,
    Instant? CancelledAt,
    Instant? ExpiredAt,
    Money? AmountRefunded = null);
