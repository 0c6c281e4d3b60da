using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;
using static PayTrust.Domain.Tests.InvoiceFixtures;

namespace PayTrust.Domain.Tests;

/// <summary>
/// Whether an attempt still asks for what its invoice is due (spec §7.4 step 9, ADR 31): judged on the whole invoice when
/// a change closes sessions, and on the header and one installment row when a checkout's answer is recorded — the two
/// must always agree.
/// </summary>
public class SessionMatchTests
{
    private static readonly long[] Amounts = [200_000, 300_000, 500_000];

    private static Invoice Whole() => WithTotal(Currency.IDR, 1_000_000);

    private static Invoice InInstallments() => WithTotal(Currency.IDR, 1_000_000, Plan(Amounts.Length, Amounts));

    /// <summary>An attempt for exactly what the invoice asks for now.</summary>
    private static PaymentAttempt AttemptFor(Invoice invoice)
    {
        var due = invoice.NextPaymentDue(null, At(1));
        return PaymentAttempt.Start(invoice.TenantId, invoice.Id, invoice.PaymentReference, 1, due.InstallmentNumber, due.Amount, "card_psp", invoice.Gateway, At(1), At(2));
    }

    /// <summary>The header and the one installment row the recording reads: the attempt's, or installment 1 for the whole invoice.</summary>
    private static bool StillDueOnHeader(PaymentAttempt attempt, Invoice invoice)
    {
        var number = attempt.InstallmentNumber ?? 1;
        var installment = invoice.Schedule?.Installments.FirstOrDefault(i => i.Number == number) is { } row
            ? new InstallmentBalance(row.Number, row.Amount, row.AmountPaid)
            : null;
        return attempt.StillDueOn(InvoiceHeader.Of(invoice), installment);
    }

    private static void AssertBothSay(bool expected, PaymentAttempt attempt, Invoice invoice)
    {
        Assert.Equal(expected, attempt.MatchesDue(invoice.OutstandingDue, invoice.Gateway));
        Assert.Equal(expected, StillDueOnHeader(attempt, invoice));
    }

    [Fact]
    public void What_is_outstanding_is_the_next_payment_whatever_the_time_and_nothing_once_paid_or_closed()
    {
        var whole = Whole();
        Assert.Equal(new PaymentDue(null, Idr(1_000_000)), whole.OutstandingDue);
        whole.ApplyPayment(Idr(400_000), At(1));
        Assert.Equal(new PaymentDue(null, Idr(600_000)), whole.OutstandingDue);
        whole.ApplyPayment(Idr(600_000), At(2));
        Assert.Null(whole.OutstandingDue);

        var planned = InInstallments();
        planned.ApplyPayment(Idr(250_000), At(1));
        Assert.Equal(new PaymentDue(2, Idr(250_000)), planned.OutstandingDue);
        // Past its expiry, before the expiry job has expired it, no new attempt is taken, but what is outstanding is unchanged.
        Assert.Throws<Errors.PayTrustException>(() => planned.NextPaymentDue(null, planned.ExpiresAt));
        Assert.Equal(new PaymentDue(2, Idr(250_000)), planned.OutstandingDue);

        var cancelled = Whole();
        cancelled.Cancel(At(1));
        Assert.Null(cancelled.OutstandingDue);
    }

    [Fact]
    public void An_untouched_invoice_still_asks_for_the_attempts_amount()
    {
        var whole = Whole();
        AssertBothSay(true, AttemptFor(whole), whole);
        var planned = InInstallments();
        AssertBothSay(true, AttemptFor(planned), planned);
    }

    [Fact]
    public void Money_from_another_channel_changes_what_is_due()
    {
        var whole = Whole();
        var wholeAttempt = AttemptFor(whole);
        whole.ApplyPayment(Idr(1), At(1));
        AssertBothSay(false, wholeAttempt, whole);

        var planned = InInstallments();
        var installmentAttempt = AttemptFor(planned);
        planned.ApplyPayment(Idr(50_000), At(1));
        AssertBothSay(false, installmentAttempt, planned);
        // Installment 1 paid in full (and more): installment 2 is next, for what the carry-forward left of it.
        planned.ApplyPayment(Idr(160_000), At(1));
        AssertBothSay(false, installmentAttempt, planned);
    }

    [Fact]
    public void Rescheduling_changes_what_is_due_only_when_the_next_installment_changes()
    {
        var planned = InInstallments();
        var attempt = AttemptFor(planned);

        planned.RescheduleInstallments([200_000, 250_000, 550_000], At(1));
        AssertBothSay(true, attempt, planned);

        planned.RescheduleInstallments([150_000, 300_000, 550_000], At(1));
        AssertBothSay(false, attempt, planned);
    }

    [Fact]
    public void A_revised_draft_asks_for_another_amount_another_gateway_or_installments_instead_of_the_whole()
    {
        var amount = Whole();
        var attempt = AttemptFor(amount);
        amount.Revise(Terms(Currency.IDR, [Line(Currency.IDR, 900_000)]), At(1));
        AssertBothSay(false, attempt, amount);

        var gateway = Whole();
        var onXendit = AttemptFor(gateway);
        gateway.Revise(Terms(Currency.IDR, [Line(Currency.IDR, 1_000_000)]) with { Gateway = "midtrans" }, At(1));
        AssertBothSay(false, onXendit, gateway);

        var split = Whole();
        var forTheWhole = AttemptFor(split);
        split.Revise(Terms(Currency.IDR, [Line(Currency.IDR, 1_000_000)], installments: Plan(2)), At(1));
        AssertBothSay(false, forTheWhole, split);
    }

    [Fact]
    public void A_closed_invoice_asks_for_nothing()
    {
        var invoice = Whole();
        var attempt = AttemptFor(invoice);
        invoice.Cancel(At(1));
        AssertBothSay(false, attempt, invoice);
    }

    [Fact]
    public void A_discarded_session_keeps_its_reference_and_a_creating_attempt_expires_while_a_given_up_one_stays_failed()
    {
        var invoice = Whole();
        var creating = AttemptFor(invoice);
        creating.DiscardSession("inv_late", At(2));
        Assert.Equal((PaymentAttemptStatus.Expired, "inv_late"), (creating.Status, creating.GatewayReference));

        var givenUp = AttemptFor(invoice);
        givenUp.Abandon(At(2));
        givenUp.DiscardSession("inv_later", At(3));
        Assert.Equal((PaymentAttemptStatus.Failed, "inv_later", FailureCode.InternalError), (givenUp.Status, givenUp.GatewayReference, givenUp.FailureCode));
    }
}
