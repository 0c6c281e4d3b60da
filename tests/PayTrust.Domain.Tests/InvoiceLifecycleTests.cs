using NodaTime;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using static PayTrust.Domain.Tests.InvoiceFixtures;

namespace PayTrust.Domain.Tests;

/// <summary>The invoice aggregate's transitions (spec §4, §5) driven through its public methods.</summary>
public class InvoiceLifecycleTests
{
    private const long Total = 1_000_000;

    /// <summary>An IDR invoice of exactly <see cref="Total"/>, brought into <paramref name="status"/> by the aggregate's own methods.</summary>
    internal static Invoice InvoiceIn(InvoiceStatus status, InstallmentPlan? installments = null)
    {
        var invoice = WithTotal(Currency.IDR, Total, installments);
        switch (status)
        {
            case InvoiceStatus.Draft:
                break;
            case InvoiceStatus.Pending:
                invoice.MarkPaymentInitiated(At(1));
                break;
            case InvoiceStatus.PartiallyPaid:
                invoice.MarkPaymentInitiated(At(1));
                invoice.ApplyPayment(Idr(100_000), At(2));
                break;
            case InvoiceStatus.FullyPaid:
                invoice.MarkPaymentInitiated(At(1));
                invoice.ApplyPayment(Idr(Total), At(2));
                break;
            case InvoiceStatus.Failed:
                invoice.MarkPaymentInitiated(At(1));
                invoice.MarkAttemptFailed(At(2));
                break;
            case InvoiceStatus.Expired:
                invoice.Expire(invoice.ExpiresAt);
                break;
            case InvoiceStatus.Cancelled:
                invoice.Cancel(At(2));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(status), status, null);
        }

        Assert.Equal(status, invoice.Status);
        return invoice;
    }

    private static string[] EventTypes(Invoice invoice) => invoice.PendingEvents.Select(e => e.Type).ToArray();

    [Fact]
    public void Create_gives_a_draft_with_nothing_paid_and_raises_invoice_created()
    {
        var invoice = WithTotal(Currency.IDR, Total);

        Assert.Equal(InvoiceStatus.Draft, invoice.Status);
        Assert.Equal(CreatedAt, invoice.CreatedAt);
        Assert.Null(invoice.PaymentInitiatedAt);
        Assert.Null(invoice.PaidAt);
        Assert.Equal(Idr(0), invoice.AmountPaid);
        Assert.Equal(Idr(0), invoice.Overpayment);
        Assert.Equal(Idr(Total), invoice.AmountDue);
        Assert.Equal([new InvoiceEvent(InvoiceEvents.Created, CreatedAt)], invoice.PendingEvents);
    }

    [Fact]
    public void First_initiation_moves_draft_to_pending_and_sets_payment_initiated_at()
    {
        var invoice = InvoiceIn(InvoiceStatus.Draft);

        invoice.MarkPaymentInitiated(At(1));

        Assert.Equal(InvoiceStatus.Pending, invoice.Status);
        Assert.Equal(At(1), invoice.PaymentInitiatedAt);
        Assert.Equal([InvoiceEvents.Created, InvoiceEvents.PaymentInitiated], EventTypes(invoice));
    }

    [Fact]
    public void Payment_initiated_at_is_set_once_and_never_changed_by_later_initiations()
    {
        var invoice = InvoiceIn(InvoiceStatus.Pending);

        invoice.MarkPaymentInitiated(At(5));

        Assert.Equal(InvoiceStatus.Pending, invoice.Status);
        Assert.Equal(At(1), invoice.PaymentInitiatedAt);
        Assert.Single(invoice.PendingEvents, e => e.Type == InvoiceEvents.PaymentInitiated);
    }

    [Fact]
    public void A_failed_attempt_with_nothing_paid_moves_pending_to_failed()
    {
        var invoice = InvoiceIn(InvoiceStatus.Pending);

        invoice.MarkAttemptFailed(At(2));

        Assert.Equal(InvoiceStatus.Failed, invoice.Status);
        Assert.Equal(Idr(0), invoice.AmountPaid);
    }

    [Fact]
    public void A_failed_attempt_on_a_partially_paid_invoice_leaves_it_partially_paid()
    {
        var invoice = InvoiceIn(InvoiceStatus.PartiallyPaid);

        invoice.MarkAttemptFailed(At(3));

        Assert.Equal(InvoiceStatus.PartiallyPaid, invoice.Status);
        Assert.Equal(Idr(100_000), invoice.AmountPaid);
    }

    [Fact]
    public void A_new_initiation_returns_a_failed_invoice_to_pending_keeping_the_first_initiation_time()
    {
        var invoice = InvoiceIn(InvoiceStatus.Failed);

        invoice.MarkPaymentInitiated(At(7));

        Assert.Equal(InvoiceStatus.Pending, invoice.Status);
        Assert.Equal(At(1), invoice.PaymentInitiatedAt);
    }

    [Theory]
    [InlineData(InvoiceStatus.FullyPaid)]
    [InlineData(InvoiceStatus.Expired)]
    [InlineData(InvoiceStatus.Cancelled)]
    public void A_terminal_invoice_cannot_be_initiated(InvoiceStatus terminal)
    {
        var invoice = InvoiceIn(terminal);

        Refused(() => invoice.MarkPaymentInitiated(At(30)), "invoice_not_payable");
        Assert.Equal(terminal, invoice.Status);
    }

    [Fact]
    public void A_partial_payment_moves_pending_to_partially_paid()
    {
        var invoice = InvoiceIn(InvoiceStatus.Pending);

        invoice.ApplyPayment(Idr(400_000), At(2));

        Assert.Equal(InvoiceStatus.PartiallyPaid, invoice.Status);
        Assert.Equal(Idr(400_000), invoice.AmountPaid);
        Assert.Equal(Idr(600_000), invoice.AmountDue);
        Assert.Equal(Idr(0), invoice.Overpayment);
        Assert.Null(invoice.PaidAt);
        Assert.Equal(InvoiceEvents.PartiallyPaid, invoice.PendingEvents[^1].Type);
    }

    [Fact]
    public void An_exact_payment_makes_the_invoice_fully_paid_with_paid_at()
    {
        var invoice = InvoiceIn(InvoiceStatus.Pending);

        invoice.ApplyPayment(Idr(Total), At(2));

        Assert.Equal(InvoiceStatus.FullyPaid, invoice.Status);
        Assert.Equal(At(2), invoice.PaidAt);
        Assert.Equal(Idr(0), invoice.AmountDue);
        Assert.Equal(Idr(0), invoice.Overpayment);
        Assert.Equal(InvoiceEvents.Paid, invoice.PendingEvents[^1].Type);
    }

    [Fact]
    public void Two_partial_payments_that_reach_the_total_make_it_fully_paid()
    {
        var invoice = InvoiceIn(InvoiceStatus.Pending);

        invoice.ApplyPayment(Idr(300_000), At(2));
        invoice.ApplyPayment(Idr(700_000), At(3));

        Assert.Equal(InvoiceStatus.FullyPaid, invoice.Status);
        Assert.Equal(At(3), invoice.PaidAt);
        Assert.Equal(Idr(Total), invoice.AmountPaid);
    }

    [Fact]
    public void An_overpayment_makes_the_invoice_fully_paid_and_records_the_excess()
    {
        var invoice = InvoiceIn(InvoiceStatus.Pending);

        invoice.ApplyPayment(Idr(1_250_000), At(2));

        Assert.Equal(InvoiceStatus.FullyPaid, invoice.Status);
        Assert.Equal(Idr(250_000), invoice.Overpayment);
        Assert.Equal(Idr(1_250_000), invoice.AmountPaid);
        Assert.Equal(Idr(0), invoice.AmountDue);
    }

    [Fact]
    public void A_payment_recorded_before_any_attempt_moves_draft_straight_to_partially_paid()
    {
        var invoice = InvoiceIn(InvoiceStatus.Draft);

        invoice.ApplyPayment(Idr(1), At(2));

        Assert.Equal(InvoiceStatus.PartiallyPaid, invoice.Status);
    }

    [Fact]
    public void A_late_success_after_a_failure_still_pays_the_invoice()
    {
        var invoice = InvoiceIn(InvoiceStatus.Failed);

        invoice.ApplyPayment(Idr(Total), At(3));

        Assert.Equal(InvoiceStatus.FullyPaid, invoice.Status);
    }

    // A fully paid invoice is terminal too, but money that still arrives is overpayment (spec §5; the 64 racing
    // payments of §7.4 on one invoice): ReceivingMoneyTests.A_fully_paid_invoice_takes_more_money_as_overpayment…
    [Theory]
    [InlineData(InvoiceStatus.Expired)]
    [InlineData(InvoiceStatus.Cancelled)]
    public void A_closed_invoice_takes_no_payment_and_nothing_changes(InvoiceStatus terminal)
    {
        var invoice = InvoiceIn(terminal);
        var paidBefore = invoice.AmountPaid;

        Refused(() => invoice.ApplyPayment(Idr(10), At(30)), "invoice_not_payable");

        Assert.Equal(terminal, invoice.Status);
        Assert.Equal(paidBefore, invoice.AmountPaid);
    }

    [Fact]
    public void A_payment_in_another_currency_is_refused_with_currency_mismatch_and_nothing_changes()
    {
        var invoice = InvoiceIn(InvoiceStatus.Pending);

        var error = Assert.Throws<CurrencyMismatchException>(() => invoice.ApplyPayment(new Money(100, Currency.USD), At(2)));

        Assert.Equal("currency_mismatch", error.Code);
        Assert.Same(Currency.IDR, error.Left);
        Assert.Same(Currency.USD, error.Right);
        Assert.Equal(InvoiceStatus.Pending, invoice.Status);
        Assert.Equal(Idr(0), invoice.AmountPaid);
    }

    [Fact]
    public void Overpayment_carries_forward_to_next_installments()
    {
        // 1,000,000 in 4 → 250,000 each; three installments' worth and a bit more.
        var invoice = InvoiceIn(InvoiceStatus.Pending, Plan(4));

        invoice.ApplyPayment(Idr(760_000), At(2));

        var installments = invoice.Schedule!.Installments;
        Assert.All(installments.Take(3), i =>
        {
            Assert.True(i.IsPaid);
            Assert.Equal(Idr(250_000), i.AmountPaid);
            Assert.Equal(At(2), i.PaidAt);
        });
        Assert.False(installments[3].IsPaid);
        Assert.Equal(Idr(10_000), installments[3].AmountPaid);
        Assert.Null(installments[3].PaidAt);
        Assert.Equal(Idr(240_000), installments[3].Outstanding);
        Assert.Equal(4, invoice.Schedule.NextUnpaid!.Number);
        Assert.Equal(InvoiceStatus.PartiallyPaid, invoice.Status);
        Assert.Equal(
            [1, 2, 3],
            invoice.PendingEvents.Where(e => e.Type == InvoiceEvents.InstallmentPaid).Select(e => e.InstallmentNumber!.Value));
    }

    [Fact]
    public void Paying_the_rest_completes_the_last_installment_without_touching_the_paid_ones()
    {
        var invoice = InvoiceIn(InvoiceStatus.Pending, Plan(4));
        invoice.ApplyPayment(Idr(760_000), At(2));
        var paidBefore = invoice.Schedule!.Installments.Take(3).ToArray();
        invoice.MarkSaved();

        invoice.ApplyPayment(Idr(240_000), At(5));

        Assert.Equal(paidBefore, invoice.Schedule!.Installments.Take(3));
        Assert.Equal(At(5), invoice.Schedule.Installments[3].PaidAt);
        Assert.Equal(InvoiceStatus.FullyPaid, invoice.Status);
        Assert.Equal(
            [new InvoiceEvent(InvoiceEvents.InstallmentPaid, At(5), 4), new InvoiceEvent(InvoiceEvents.Paid, At(5))],
            invoice.PendingEvents);
    }

    [Fact]
    public void An_underpayment_stays_on_the_first_unpaid_installment()
    {
        var invoice = InvoiceIn(InvoiceStatus.Pending, Plan(2));

        invoice.ApplyPayment(Idr(100), At(2));

        Assert.Equal(Idr(100), invoice.Schedule!.Installments[0].AmountPaid);
        Assert.False(invoice.Schedule.Installments[0].IsPaid);
        Assert.Equal(Idr(0), invoice.Schedule.Installments[1].AmountPaid);
        Assert.DoesNotContain(invoice.PendingEvents, e => e.Type == InvoiceEvents.InstallmentPaid);
    }

    [Fact]
    public void Money_beyond_the_last_installment_becomes_the_overpayment()
    {
        var invoice = InvoiceIn(InvoiceStatus.Pending, Plan(3));

        invoice.ApplyPayment(Idr(1_100_000), At(2));

        Assert.All(invoice.Schedule!.Installments, i => Assert.True(i.IsPaid));
        Assert.Equal(Total, Sum(invoice.Schedule.Installments, i => i.AmountPaid.Minor));
        Assert.Equal(Idr(100_000), invoice.Overpayment);
        Assert.Equal(InvoiceStatus.FullyPaid, invoice.Status);
    }

    [Theory]
    [InlineData(InvoiceStatus.Draft)]
    [InlineData(InvoiceStatus.Pending)]
    [InlineData(InvoiceStatus.Failed)]
    public void Cancel_is_allowed_while_nothing_is_paid(InvoiceStatus status)
    {
        var invoice = InvoiceIn(status);

        invoice.Cancel(At(3));

        Assert.Equal(InvoiceStatus.Cancelled, invoice.Status);
        Assert.Equal(At(3), invoice.CancelledAt);
        Assert.Equal(InvoiceEvents.Cancelled, invoice.PendingEvents[^1].Type);
    }

    [Fact]
    public void Cancel_is_refused_once_anything_is_paid()
    {
        var invoice = InvoiceIn(InvoiceStatus.PartiallyPaid);

        var error = Refused(() => invoice.Cancel(At(3)), "invoice_not_cancellable");

        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal(InvoiceStatus.PartiallyPaid, invoice.Status);
        Assert.Null(invoice.CancelledAt);
    }

    [Theory]
    [InlineData(InvoiceStatus.FullyPaid)]
    [InlineData(InvoiceStatus.Expired)]
    [InlineData(InvoiceStatus.Cancelled)]
    public void Cancel_is_refused_for_a_terminal_invoice(InvoiceStatus terminal)
    {
        var invoice = InvoiceIn(terminal);
        var cancelledAt = invoice.CancelledAt;

        Refused(() => invoice.Cancel(At(30)), "invoice_not_cancellable");

        Assert.Equal(terminal, invoice.Status);
        Assert.Equal(cancelledAt, invoice.CancelledAt);
    }

    [Fact]
    public void Expire_is_refused_before_expires_at()
    {
        var invoice = InvoiceIn(InvoiceStatus.Pending);

        Refused(() => invoice.Expire(invoice.ExpiresAt - Duration.Epsilon), "invoice_not_expired");

        Assert.Equal(InvoiceStatus.Pending, invoice.Status);
        Assert.Null(invoice.ExpiredAt);
    }

    [Theory]
    [InlineData(InvoiceStatus.Draft)]
    [InlineData(InvoiceStatus.Pending)]
    [InlineData(InvoiceStatus.PartiallyPaid)]
    [InlineData(InvoiceStatus.Failed)]
    public void Expire_at_expires_at_moves_an_open_invoice_to_expired(InvoiceStatus status)
    {
        var invoice = InvoiceIn(status);

        invoice.Expire(invoice.ExpiresAt);

        Assert.Equal(InvoiceStatus.Expired, invoice.Status);
        Assert.Equal(invoice.ExpiresAt, invoice.ExpiredAt);
        Assert.Equal(InvoiceEvents.Expired, invoice.PendingEvents[^1].Type);
    }

    [Theory]
    [InlineData(InvoiceStatus.FullyPaid)]
    [InlineData(InvoiceStatus.Cancelled)]
    [InlineData(InvoiceStatus.Expired)]
    public void Expire_is_refused_for_a_terminal_invoice(InvoiceStatus terminal)
    {
        var invoice = InvoiceIn(terminal);

        Refused(() => invoice.Expire(invoice.ExpiresAt + Duration.FromDays(2)), "invalid_status_transition");

        Assert.Equal(terminal, invoice.Status);
    }

    [Theory]
    [InlineData(InvoiceStatus.FullyPaid)]
    [InlineData(InvoiceStatus.Cancelled)]
    [InlineData(InvoiceStatus.Expired)]
    public void A_refused_expiry_leaves_expired_at_as_it_was(InvoiceStatus terminal)
    {
        var invoice = InvoiceIn(terminal);
        var expiredAtBefore = invoice.ExpiredAt;
        var eventsBefore = invoice.PendingEvents.Count;

        Assert.ThrowsAny<PayTrustException>(() => invoice.Expire(invoice.ExpiresAt + Duration.FromDays(2)));

        Assert.Equal(expiredAtBefore, invoice.ExpiredAt);
        Assert.Equal(eventsBefore, invoice.PendingEvents.Count);
    }

    [Fact]
    public void A_draft_can_be_revised_and_its_totals_are_recomputed()
    {
        var invoice = InvoiceIn(InvoiceStatus.Draft);

        invoice.Revise(Terms(Currency.IDR, [Line(Currency.IDR, 150_000, 2, 0.11m)]), At(1));

        Assert.Equal(Idr(300_000), invoice.Totals.Subtotal);
        Assert.Equal(Idr(33_000), invoice.Totals.Tax);
        Assert.Equal(Idr(333_000), invoice.Totals.Total);
        Assert.True(invoice.LineItemsChanged);
        Assert.Equal(InvoiceEvents.Updated, invoice.PendingEvents[^1].Type);
    }

    [Theory]
    [InlineData(InvoiceStatus.Pending)]
    [InlineData(InvoiceStatus.PartiallyPaid)]
    [InlineData(InvoiceStatus.Failed)]
    public void Once_payment_is_initiated_the_invoice_is_immutable(InvoiceStatus status)
    {
        var invoice = InvoiceIn(status);
        var totals = invoice.Totals;

        var error = Refused(() => invoice.Revise(Terms(Currency.IDR, [Line(Currency.IDR, 5)]), At(3)), "invoice_immutable");

        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal("Cannot modify line items after payment initiated", error.Message);
        Assert.Equal(totals, invoice.Totals);
    }

    [Theory]
    [InlineData(InvoiceStatus.FullyPaid)]
    [InlineData(InvoiceStatus.Expired)]
    [InlineData(InvoiceStatus.Cancelled)]
    public void A_terminal_invoice_cannot_be_revised(InvoiceStatus terminal)
    {
        var invoice = InvoiceIn(terminal);

        Refused(() => invoice.Revise(Terms(Currency.IDR, [Line(Currency.IDR, 5)]), At(30)), "invoice_immutable");
    }

    [Fact]
    public void The_currency_of_a_draft_cannot_change()
    {
        var invoice = InvoiceIn(InvoiceStatus.Draft);

        Refused(() => invoice.Revise(Terms(Currency.USD, [Line(Currency.USD, 5)]), At(1)), "currency_immutable");
    }

    [Theory]
    [InlineData(InvoiceStatus.Draft)]
    [InlineData(InvoiceStatus.Pending)]
    [InlineData(InvoiceStatus.PartiallyPaid)]
    public void Installments_can_be_rescheduled_in_draft_pending_and_partially_paid(InvoiceStatus status)
    {
        // 1,000,000 in 2; a partially paid one has 100,000 applied to the first installment.
        var invoice = InvoiceIn(status, Plan(2));

        invoice.RescheduleInstallments([300_000, 700_000], At(4));

        Assert.Equal([Idr(300_000), Idr(700_000)], invoice.Schedule!.Installments.Select(i => i.Amount));
        Assert.True(invoice.ScheduleChanged);
        Assert.Equal(InvoiceEvents.Updated, invoice.PendingEvents[^1].Type);
    }

    [Theory]
    [InlineData(InvoiceStatus.FullyPaid)]
    [InlineData(InvoiceStatus.Expired)]
    [InlineData(InvoiceStatus.Cancelled)]
    [InlineData(InvoiceStatus.Failed)]
    public void Installments_cannot_be_rescheduled_in_any_other_status(InvoiceStatus status)
    {
        var invoice = InvoiceIn(status, Plan(2));
        var before = invoice.Schedule!.Installments.ToArray();

        var error = Refused(() => invoice.RescheduleInstallments([300_000, 700_000], At(30)), "invoice_immutable");

        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal(before, invoice.Schedule!.Installments);
    }

    [Fact]
    public void Rescheduling_an_invoice_without_installments_is_refused()
    {
        var invoice = InvoiceIn(InvoiceStatus.Pending);

        Refused(() => invoice.RescheduleInstallments([500_000, 500_000], At(2)), "no_installment_schedule");
    }

    [Fact]
    public void Paid_installments_are_locked_and_only_the_unpaid_ones_are_given_amounts()
    {
        // 1,000,000 in 4 → 250,000 each; the first is paid, 50,000 is applied to the second.
        var invoice = InvoiceIn(InvoiceStatus.Pending, Plan(4));
        invoice.ApplyPayment(Idr(300_000), At(2));
        var first = invoice.Schedule!.Installments[0];

        Refused(() => invoice.RescheduleInstallments([250_000, 250_000, 250_000, 250_000], At(3)), "installment_count_mismatch");
        invoice.RescheduleInstallments([100_000, 300_000, 350_000], At(3));

        Assert.Equal(first, invoice.Schedule!.Installments[0]);
        Assert.Equal(
            [Idr(250_000), Idr(100_000), Idr(300_000), Idr(350_000)],
            invoice.Schedule.Installments.Select(i => i.Amount));
        Assert.Equal(Idr(50_000), invoice.Schedule.Installments[1].AmountPaid);
    }

    [Fact]
    public void A_new_amount_below_what_is_already_applied_is_refused()
    {
        var invoice = InvoiceIn(InvoiceStatus.Pending, Plan(4));
        invoice.ApplyPayment(Idr(300_000), At(2));
        var before = invoice.Schedule!.Installments.ToArray();

        var error = Refused(() => invoice.RescheduleInstallments([49_999, 300_000, 450_001], At(3)), "installment_amount_too_small");

        Assert.Contains("50000", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, invoice.Schedule!.Installments);
    }

    [Fact]
    public void A_new_amount_of_zero_is_refused()
    {
        var invoice = InvoiceIn(InvoiceStatus.Draft, Plan(3));

        Refused(() => invoice.RescheduleInstallments([0, 500_000, 500_000], At(1)), "installment_amount_too_small");
    }

    [Fact]
    public void New_amounts_must_sum_to_what_remains_unpaid_and_the_refusal_states_both_sums()
    {
        var invoice = InvoiceIn(InvoiceStatus.Pending, Plan(4));
        invoice.ApplyPayment(Idr(300_000), At(2));

        var error = Refused(() => invoice.RescheduleInstallments([250_000, 250_000, 250_001], At(3)), "installment_sum_mismatch");

        Assert.Contains("750001", error.Message, StringComparison.Ordinal);
        Assert.Contains("750000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rescheduling_an_installment_down_to_what_is_already_applied_records_when_it_was_paid()
    {
        // 1,000,000 in 2; 300,000 is applied to the first. Spec §5 allows a new amount equal to what is
        // applied, which makes that installment paid: a paid installment must say when it was paid.
        var invoice = InvoiceIn(InvoiceStatus.Pending, Plan(2));
        invoice.ApplyPayment(Idr(300_000), At(2));

        invoice.RescheduleInstallments([300_000, 700_000], At(3));

        var first = invoice.Schedule!.Installments[0];
        Assert.True(first.IsPaid);
        Assert.NotNull(first.PaidAt);
    }
}
