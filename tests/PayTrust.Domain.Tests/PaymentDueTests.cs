using CsCheck;
using NodaTime;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using static PayTrust.Domain.Tests.InvoiceFixtures;

namespace PayTrust.Domain.Tests;

/// <summary>What the next payment attempt collects (spec §5, §7.1, §7.2) and the first initiation of a payment.</summary>
public class PaymentDueTests
{
    private const long Total = 1_000_000;

    /// <summary>Three unequal installments, so an amount tells which installment it came from.</summary>
    private static readonly long[] Amounts = [200_000, 300_000, 500_000];

    private static readonly Instant Now = At(1);

    private static Invoice Whole() => WithTotal(Currency.IDR, Total);

    private static Invoice InInstallments() => WithTotal(Currency.IDR, Total, Plan(Amounts.Length, Amounts));

    private static void AssertRefused(Action action, string code, ErrorKind kind) => Assert.Equal(kind, Refused(action, code).Kind);

    private static string[] EventTypes(Invoice invoice) => invoice.PendingEvents.Select(e => e.Type).ToArray();

    // ---- Whole invoice ----

    [Fact]
    public void Without_installments_the_whole_amount_due_is_collected()
    {
        Assert.Equal(new PaymentDue(null, Idr(Total)), Whole().NextPaymentDue(null, Now));
    }

    [Fact]
    public void Without_installments_a_partial_payment_leaves_the_rest_due()
    {
        var invoice = Whole();
        invoice.MarkPaymentInitiated(Now);
        invoice.ApplyPayment(Idr(300_000), At(2));

        Assert.Equal(new PaymentDue(null, Idr(700_000)), invoice.NextPaymentDue(null, At(3)));

        invoice.ApplyPayment(Idr(699_999), At(4));

        Assert.Equal(new PaymentDue(null, Idr(1)), invoice.NextPaymentDue(null, At(5)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(2)]
    public void Asking_for_an_installment_of_an_invoice_without_installments_is_an_invalid_installment(int number)
    {
        AssertRefused(() => Whole().NextPaymentDue(number, Now), "invalid_installment", ErrorKind.BusinessRule);
    }

    // ---- Installments ----

    [Fact]
    public void With_installments_the_first_installment_is_collected_first()
    {
        Assert.Equal(new PaymentDue(1, Idr(200_000)), InInstallments().NextPaymentDue(null, Now));
    }

    [Fact]
    public void Equal_installments_collect_the_allocation_rules_amounts_the_last_taking_the_remainder()
    {
        var invoice = WithTotal(Currency.IDR, Total, Plan(3));

        Assert.Equal(new PaymentDue(1, Idr(333_333)), invoice.NextPaymentDue(null, Now));
        invoice.ApplyPayment(Idr(333_333 * 2), At(2));
        Assert.Equal(new PaymentDue(3, Idr(333_334)), invoice.NextPaymentDue(null, At(3)));
    }

    [Fact]
    public void After_an_underpayment_the_same_installment_is_due_for_what_it_still_lacks()
    {
        var invoice = InInstallments();
        invoice.ApplyPayment(Idr(50_000), At(2));

        Assert.Equal(new PaymentDue(1, Idr(150_000)), invoice.NextPaymentDue(null, At(3)));
    }

    [Fact]
    public void After_an_exact_payment_the_next_installment_is_due_in_full()
    {
        var invoice = InInstallments();
        invoice.ApplyPayment(Idr(200_000), At(2));

        Assert.Equal(new PaymentDue(2, Idr(300_000)), invoice.NextPaymentDue(null, At(3)));
    }

    [Fact]
    public void An_excess_carried_forward_reduces_what_the_next_installment_collects()
    {
        var invoice = InInstallments();
        invoice.ApplyPayment(Idr(250_000), At(2)); // 200 000 closes installment 1, 50 000 carries to installment 2

        Assert.Equal(new PaymentDue(2, Idr(250_000)), invoice.NextPaymentDue(null, At(3)));
    }

    [Fact]
    public void A_carry_forward_across_several_installments_lands_on_the_first_one_left_unpaid()
    {
        var invoice = InInstallments();
        invoice.ApplyPayment(Idr(200_000 + 300_000 + 1), At(2));

        Assert.Equal(new PaymentDue(3, Idr(499_999)), invoice.NextPaymentDue(null, At(3)));
    }

    [Fact]
    public void Asking_explicitly_for_the_next_unpaid_installment_gives_the_same_as_asking_for_nothing()
    {
        var invoice = InInstallments();
        Assert.Equal(new PaymentDue(1, Idr(200_000)), invoice.NextPaymentDue(1, Now));

        invoice.ApplyPayment(Idr(260_000), At(2));

        Assert.Equal(new PaymentDue(2, Idr(240_000)), invoice.NextPaymentDue(2, At(3)));
        Assert.Equal(invoice.NextPaymentDue(null, At(3)), invoice.NextPaymentDue(2, At(3)));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Asking_for_a_later_installment_is_out_of_sequence(int number)
    {
        AssertRefused(() => InInstallments().NextPaymentDue(number, Now), "installment_out_of_sequence", ErrorKind.Conflict);
    }

    [Fact]
    public void Asking_for_an_installment_already_paid_is_out_of_sequence()
    {
        var invoice = InInstallments();
        invoice.ApplyPayment(Idr(200_000), At(2));

        AssertRefused(() => invoice.NextPaymentDue(1, At(3)), "installment_out_of_sequence", ErrorKind.Conflict);
        AssertRefused(() => invoice.NextPaymentDue(3, At(3)), "installment_out_of_sequence", ErrorKind.Conflict);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(4)]
    [InlineData(12)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void Asking_for_an_installment_that_does_not_exist_is_an_invalid_installment(int number)
    {
        AssertRefused(() => InInstallments().NextPaymentDue(number, Now), "invalid_installment", ErrorKind.BusinessRule);
    }

    // ---- Statuses and expiry ----

    [Fact]
    public void A_pending_partially_paid_or_failed_invoice_is_still_payable()
    {
        var pending = InInstallments();
        pending.MarkPaymentInitiated(Now);
        Assert.Equal(new PaymentDue(1, Idr(200_000)), pending.NextPaymentDue(null, At(2)));

        var partiallyPaid = InInstallments();
        partiallyPaid.MarkPaymentInitiated(Now);
        partiallyPaid.ApplyPayment(Idr(1), At(2));
        Assert.Equal(InvoiceStatus.PartiallyPaid, partiallyPaid.Status);
        Assert.Equal(new PaymentDue(1, Idr(199_999)), partiallyPaid.NextPaymentDue(null, At(3)));

        // A failed attempt leaves the invoice open for a new one (spec §4: a new attempt returns it to pending).
        var failed = Whole();
        failed.MarkPaymentInitiated(Now);
        failed.MarkAttemptFailed(At(2));
        Assert.Equal(InvoiceStatus.Failed, failed.Status);
        Assert.Equal(new PaymentDue(null, Idr(Total)), failed.NextPaymentDue(null, At(3)));
    }

    public static TheoryData<string, bool> ClosedInvoices() => new()
    {
        { "fully_paid", false },
        { "fully_paid", true },
        { "cancelled", false },
        { "cancelled", true },
        { "expired", false },
        { "expired", true },
    };

    [Theory]
    [MemberData(nameof(ClosedInvoices))]
    public void A_paid_cancelled_or_expired_invoice_is_not_payable(string status, bool withInstallments)
    {
        var invoice = withInstallments ? InInstallments() : Whole();
        var now = Now;
        switch (status)
        {
            case "fully_paid":
                invoice.MarkPaymentInitiated(Now);
                invoice.ApplyPayment(Idr(Total), At(2));
                now = At(3);
                break;
            case "cancelled":
                invoice.Cancel(At(2));
                now = At(3);
                break;
            case "expired":
                invoice.Expire(invoice.ExpiresAt);
                now = invoice.ExpiresAt;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(status), status, null);
        }

        Assert.Equal(status, StatusNames.Of(invoice.Status));
        AssertRefused(() => invoice.NextPaymentDue(null, now), "invoice_not_payable", ErrorKind.Conflict);
        // The invoice's state is the answer, whatever installment is asked for.
        AssertRefused(() => invoice.NextPaymentDue(1, now), "invoice_not_payable", ErrorKind.Conflict);
        AssertRefused(() => invoice.NextPaymentDue(2, now), "invoice_not_payable", ErrorKind.Conflict);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_invoice_past_its_expiry_that_the_worker_has_not_expired_yet_is_not_payable(bool withInstallments)
    {
        var invoice = withInstallments ? InInstallments() : Whole();
        invoice.MarkPaymentInitiated(Now);
        var expiresAt = invoice.ExpiresAt;

        Assert.NotNull(invoice.NextPaymentDue(null, expiresAt - Duration.FromTicks(1)));
        AssertRefused(() => invoice.NextPaymentDue(null, expiresAt), "invoice_not_payable", ErrorKind.Conflict);
        AssertRefused(() => invoice.NextPaymentDue(null, expiresAt + Duration.FromDays(3)), "invoice_not_payable", ErrorKind.Conflict);
        AssertRefused(() => invoice.NextPaymentDue(1, expiresAt), "invoice_not_payable", ErrorKind.Conflict);
        Assert.Equal(InvoiceStatus.Pending, invoice.Status); // asking changes nothing: expiring is the worker's job
    }

    [Fact]
    public void An_installment_invoice_expires_a_day_after_its_last_due_date_by_default_and_is_payable_until_then()
    {
        var invoice = InInstallments();
        var lastDue = invoice.Schedule!.LastDueDate;

        Assert.Equal(new PaymentDue(1, Idr(200_000)), invoice.NextPaymentDue(null, lastDue + Duration.FromHours(23)));
        AssertRefused(() => invoice.NextPaymentDue(null, lastDue + Duration.FromHours(24)), "invoice_not_payable", ErrorKind.Conflict);
    }

    // ---- First initiation ----

    [Fact]
    public void The_first_initiation_moves_draft_to_pending_once_and_says_so()
    {
        var invoice = Whole();
        invoice.MarkSaved();

        Assert.True(invoice.MarkPaymentInitiated(Now));

        Assert.Equal(InvoiceStatus.Pending, invoice.Status);
        Assert.Equal(Now, invoice.PaymentInitiatedAt);
        Assert.Equal(Now, invoice.UpdatedAt);
        Assert.Equal([new InvoiceEvent(InvoiceEvents.PaymentInitiated, Now)], invoice.PendingEvents);
    }

    [Fact]
    public void A_second_initiation_on_a_pending_invoice_changes_nothing_and_says_so()
    {
        var invoice = Whole();
        invoice.MarkSaved();
        Assert.True(invoice.MarkPaymentInitiated(Now));

        Assert.False(invoice.MarkPaymentInitiated(At(2)));

        Assert.Equal(InvoiceStatus.Pending, invoice.Status);
        Assert.Equal(Now, invoice.PaymentInitiatedAt);
        Assert.Equal(Now, invoice.UpdatedAt);
        Assert.Equal([InvoiceEvents.PaymentInitiated], EventTypes(invoice));
    }

    [Fact]
    public void A_new_attempt_after_a_failure_returns_the_invoice_to_pending_without_a_second_initiation_event()
    {
        var invoice = Whole();
        invoice.MarkPaymentInitiated(Now);
        invoice.MarkAttemptFailed(At(2));
        invoice.MarkSaved();

        Assert.True(invoice.MarkPaymentInitiated(At(3)));

        Assert.Equal(InvoiceStatus.Pending, invoice.Status);
        Assert.Equal(Now, invoice.PaymentInitiatedAt); // set once, never changed
        Assert.DoesNotContain(InvoiceEvents.PaymentInitiated, EventTypes(invoice));
    }

    [Fact]
    public void An_initiation_on_a_partially_paid_invoice_only_sets_payment_initiated_at_the_first_time()
    {
        // Money recorded by the merchant before any attempt: draft → partially_paid, nothing initiated yet.
        var invoice = InInstallments();
        invoice.ApplyPayment(Idr(10_000), At(1));
        invoice.MarkSaved();

        Assert.True(invoice.MarkPaymentInitiated(At(2)));
        Assert.Equal(InvoiceStatus.PartiallyPaid, invoice.Status);
        Assert.Equal(At(2), invoice.PaymentInitiatedAt);
        Assert.Equal([InvoiceEvents.PaymentInitiated], EventTypes(invoice));

        Assert.False(invoice.MarkPaymentInitiated(At(3)));
        Assert.Equal(At(2), invoice.PaymentInitiatedAt);
        Assert.Equal([InvoiceEvents.PaymentInitiated], EventTypes(invoice));
    }

    [Fact]
    public void A_closed_invoice_cannot_be_initiated()
    {
        var paid = Whole();
        paid.ApplyPayment(Idr(Total), At(1));
        AssertRefused(() => paid.MarkPaymentInitiated(At(2)), "invoice_not_payable", ErrorKind.Conflict);

        var cancelled = Whole();
        cancelled.Cancel(At(1));
        AssertRefused(() => cancelled.MarkPaymentInitiated(At(2)), "invoice_not_payable", ErrorKind.Conflict);
    }

    // ---- Property ----

    /// <summary>A cumulative amount paid so far, in an independent model: which installment is first unpaid, and what it lacks.</summary>
    private static (int Number, long Outstanding, int UnpaidCount) Model(long[] amounts, long paid)
    {
        var boundary = 0L;
        for (var i = 0; i < amounts.Length; i++)
        {
            boundary += amounts[i];
            if (boundary > paid)
            {
                return (i + 1, boundary - paid, amounts.Length - i);
            }
        }

        throw new InvalidOperationException("Everything is paid.");
    }

    /// <summary><paramref name="count"/> amounts of at least 1 summing to <paramref name="total"/>, cut at random points.</summary>
    private static long[] RandomAmounts(long total, int count, long[] randomness)
    {
        var slack = total - count;
        var cuts = randomness.Take(count - 1).Select(r => r % (slack + 1)).Order().ToArray();
        var result = new long[count];
        var previous = 0L;
        for (var i = 0; i < cuts.Length; i++)
        {
            result[i] = 1 + cuts[i] - previous;
            previous = cuts[i];
        }

        result[^1] = 1 + slack - previous;
        return result;
    }

    private static readonly Gen<Currency> Currencies = Gen.OneOf(Currency.IDR, Currency.MYR, Currency.USD);

    [Fact]
    public void Next_payment_due_is_always_the_first_unpaid_installments_outstanding_and_paying_it_settles_the_invoice()
    {
        var invoices =
            from currency in Currencies
            from count in Gen.Int[InstallmentPlan.MinCount, InstallmentPlan.MaxCount]
            from total in Gen.OneOf(Gen.Long[count, count + 20], Gen.Long[count, 10_000_000], Gen.Long[count, Money.MaxAmount])
            from custom in Gen.Bool
            from cuts in Gen.OneOf(Gen.Long[0, 3], Gen.Long[0, long.MaxValue]).Array[InstallmentPlan.MaxCount]
            select (currency, count, total, amounts: custom ? RandomAmounts(total, count, cuts) : null);
        // Each payment: a random share of what is left (kept below it), or exactly up to an installment boundary.
        var payments = Gen.Select(Gen.Long[0, long.MaxValue], Gen.Int[0, 2]).Array[0, 6];

        Gen.Select(invoices, payments).Sample((generated, partials) =>
        {
            var (currency, count, total, custom) = generated;
            var invoice = WithTotal(currency, total, Plan(count, custom));
            // Independent of the domain: the amounts the spec asks for (given, or equal with the last absorbing the rest).
            var amounts = custom ?? Enumerable.Repeat(total / count, count - 1).Append(total - (total / count * (count - 1))).ToArray();
            Assert.Equal(amounts, invoice.Schedule!.Installments.Select(i => i.Amount.Minor));
            invoice.MarkPaymentInitiated(Now);

            var paid = 0L;
            var now = Now;
            foreach (var (seed, mode) in partials)
            {
                var left = total - paid;
                if (left < 2)
                {
                    break;
                }

                var (_, outstanding, _) = Model(amounts, paid);
                var payment = mode switch
                {
                    0 => 1 + (seed % (left - 1)),
                    1 => Math.Min(outstanding, left - 1),
                    _ => Math.Min(outstanding + 1 + (seed % left), left - 1),
                };
                now += Duration.FromMinutes(1);
                invoice.ApplyPayment(new Money(payment, currency), now);
                paid += payment;

                var expected = Model(amounts, paid);
                var due = invoice.NextPaymentDue(null, now);
                Assert.Equal(new PaymentDue(expected.Number, new Money(expected.Outstanding, currency)), due);
                Assert.Equal(invoice.Schedule!.NextUnpaid!.Outstanding, due.Amount);
                Assert.True(due.Amount.Minor >= 1);
                Assert.Equal(due, invoice.NextPaymentDue(expected.Number, now));
            }

            // Now pay exactly what is due, one installment at a time, until nothing is.
            var unpaidBefore = Model(amounts, paid).UnpaidCount;
            var steps = 0;
            var collected = 0L;
            while (invoice.Status != InvoiceStatus.FullyPaid)
            {
                Assert.True(steps < count, "paying what is due never settles the invoice");
                var due = invoice.NextPaymentDue(null, now);
                var expected = Model(amounts, paid);
                Assert.Equal(new PaymentDue(expected.Number, new Money(expected.Outstanding, currency)), due);
                Assert.True(due.Amount.Minor >= 1);

                now += Duration.FromMinutes(1);
                invoice.ApplyPayment(due.Amount, now);
                paid += due.Amount.Minor;
                collected += due.Amount.Minor;
                steps++;
                Assert.True(invoice.Schedule!.Installments[expected.Number - 1].IsPaid);
            }

            Assert.Equal(unpaidBefore, steps);
            Assert.Equal(total, paid);
            Assert.Equal(invoice.AmountPaid.Minor, paid);
            Assert.Equal(Money.Zero(currency), invoice.AmountDue);
            Assert.Equal(Money.Zero(currency), invoice.Overpayment);
            Assert.All(invoice.Schedule!.Installments, i => Assert.Equal(i.Amount, i.AmountPaid));
            Assert.True(collected >= steps);
            Refused(() => invoice.NextPaymentDue(null, now), "invoice_not_payable");
        });
    }
}
