using NodaTime;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using static PayTrust.Domain.Tests.InvoiceFixtures;

namespace PayTrust.Domain.Tests;

/// <summary>Worked examples of spec §5.</summary>
public class InstallmentScheduleTests
{
    private static long[] Amounts(Invoice invoice) => invoice.Schedule!.Installments.Select(i => i.Amount.Minor).ToArray();

    [Fact]
    public void One_million_rupiah_in_two_is_two_halves()
    {
        var invoice = WithTotal(Currency.IDR, 1_000_000, Plan(2));

        Assert.Equal(Idr(1_000_000), invoice.Totals.Total);
        Assert.Equal([500_000L, 500_000L], Amounts(invoice));
        Assert.Equal([1, 2], invoice.Schedule!.Installments.Select(i => i.Number));
        Assert.All(invoice.Schedule.Installments, i =>
        {
            Assert.Equal(Idr(0), i.Tax);
            Assert.Equal(Idr(0), i.ServiceFee);
            Assert.Equal(i.Amount, i.Subtotal);
            Assert.Equal(Idr(0), i.AmountPaid);
            Assert.Null(i.PaidAt);
        });
    }

    [Fact]
    public void Custom_amounts_are_used_as_given()
    {
        var invoice = WithTotal(Currency.IDR, 1_000_000, Plan(2, [200_000, 800_000]));

        Assert.Equal([200_000L, 800_000L], Amounts(invoice));
    }

    [Fact]
    public void Custom_amounts_carry_their_proportional_share_of_tax_and_fee()
    {
        // 900,000 at 10% → tax 90,000; fee 0% + 10,000 → total 1,000,000.
        var invoice = Create(Terms(Currency.IDR, [Line(Currency.IDR, 900_000, 1, 0.1m)], new FeeRule(0m, 10_000), Plan(2, [200_000, 800_000])));
        var (first, second) = (invoice.Schedule!.Installments[0], invoice.Schedule.Installments[1]);

        Assert.Equal(Idr(1_000_000), invoice.Totals.Total);
        Assert.Equal((Idr(200_000), Idr(18_000), Idr(2_000), Idr(180_000)), (first.Amount, first.Tax, first.ServiceFee, first.Subtotal));
        Assert.Equal((Idr(800_000), Idr(72_000), Idr(8_000), Idr(720_000)), (second.Amount, second.Tax, second.ServiceFee, second.Subtotal));
    }

    [Fact]
    public void An_equal_split_gives_the_remainder_to_the_last_installment()
    {
        var invoice = WithTotal(Currency.IDR, 1_000_001, Plan(3));

        Assert.Equal([333_333L, 333_333L, 333_335L], Amounts(invoice));
    }

    [Fact]
    public void The_last_installment_absorbs_the_tax_and_fee_remainders()
    {
        // Subtotal 1,000 at 10% → tax 100; fee 0% + 1 → total 1,101, split in 3 → 367 each.
        // tax: floor(100 × 367 / 1101) = 33, 33, and 34; fee: floor(1 × 367 / 1101) = 0, 0, and 1.
        var invoice = Create(Terms(Currency.IDR, [Line(Currency.IDR, 1_000, 1, 0.1m)], new FeeRule(0m, 1), Plan(3)));

        Assert.Equal([367L, 367L, 367L], Amounts(invoice));
        Assert.Equal([33L, 33L, 34L], invoice.Schedule!.Installments.Select(i => i.Tax.Minor));
        Assert.Equal([0L, 0L, 1L], invoice.Schedule.Installments.Select(i => i.ServiceFee.Minor));
        Assert.Equal([334L, 334L, 332L], invoice.Schedule.Installments.Select(i => i.Subtotal.Minor));
    }

    [Fact]
    public void Custom_amounts_that_do_not_sum_to_the_total_are_refused_stating_both_sums()
    {
        var error = Refused(() => WithTotal(Currency.IDR, 1_000_000, Plan(2, [200_000, 700_000])), "installment_sum_mismatch");

        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.Contains("900000", error.Message, StringComparison.Ordinal);
        Assert.Contains("1000000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_amounts_whose_sum_would_overflow_are_refused_as_a_mismatch_not_an_overflow()
    {
        Refused(() => WithTotal(Currency.IDR, 1_000_000, Plan(2, [long.MaxValue, long.MaxValue])), "installment_sum_mismatch");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Every_custom_amount_must_be_at_least_one_minor_unit(long tooSmall)
    {
        Refused(() => WithTotal(Currency.IDR, 1_000, Plan(2, [tooSmall, 1_000 - tooSmall])), "installment_amount_too_small");
    }

    [Fact]
    public void Custom_amounts_must_match_the_count()
    {
        Refused(() => WithTotal(Currency.IDR, 1_000, Plan(3, [500, 500])), "installment_count_mismatch");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(100)]
    public void A_count_outside_two_to_twelve_is_refused(int count)
    {
        Refused(() => WithTotal(Currency.IDR, 1_000_000, Plan(count)), "invalid_installments");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(12)]
    public void Counts_of_two_and_twelve_are_accepted(int count)
    {
        Assert.Equal(count, WithTotal(Currency.IDR, 1_000_000, Plan(count)).Schedule!.Count);
    }

    [Fact]
    public void A_total_too_small_to_give_every_installment_one_minor_unit_is_refused()
    {
        Refused(() => WithTotal(Currency.USD, 2, Plan(3)), "installment_amount_too_small");
        Assert.Equal([1L, 1L, 1L], Amounts(WithTotal(Currency.USD, 3, Plan(3))));
    }

    [Fact]
    public void Due_dates_default_to_every_thirty_days_from_creation()
    {
        var invoice = WithTotal(Currency.IDR, 1_000_000, Plan(4));

        Assert.Equal(
            [30, 60, 90, 120],
            invoice.Schedule!.Installments.Select(i => (i.DueDate - CreatedAt).Days));
        Assert.Equal(Instant.FromUtc(2026, 12, 23, 10, 0), invoice.Schedule.Installments[0].DueDate);
        Assert.Equal(
            Enumerable.Range(1, 4).Select(i => CreatedAt + Duration.FromDays(i * 30)),
            invoice.Schedule.Installments.Select(i => i.DueDate));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(366)]
    public void Due_dates_follow_the_given_interval(int intervalDays)
    {
        var invoice = WithTotal(Currency.IDR, 1_000_000, Plan(3, intervalDays: intervalDays));

        Assert.Equal(
            [1, 2, 3],
            invoice.Schedule!.Installments.Select(i => (i.DueDate - CreatedAt).Days / intervalDays));
        Assert.Equal(CreatedAt + Duration.FromDays(3 * intervalDays), invoice.LastDueDate);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-30)]
    [InlineData(367)]
    public void An_interval_outside_one_to_366_days_is_refused(int intervalDays)
    {
        Refused(() => WithTotal(Currency.IDR, 1_000_000, Plan(3, intervalDays: intervalDays)), "invalid_installments");
    }

    [Fact]
    public void Explicit_due_dates_are_used_as_given()
    {
        Instant[] dueDates = [At(2), At(48), CreatedAt + Duration.FromDays(20)];

        var invoice = WithTotal(Currency.IDR, 1_000_000, Plan(3, dueDates: dueDates));

        Assert.Equal(dueDates, invoice.Schedule!.Installments.Select(i => i.DueDate));
    }

    [Fact]
    public void Due_dates_that_are_not_strictly_increasing_are_refused()
    {
        Refused(() => WithTotal(Currency.IDR, 1_000_000, Plan(2, dueDates: [At(48), At(24)])), "invalid_due_dates");
        Refused(() => WithTotal(Currency.IDR, 1_000_000, Plan(2, dueDates: [At(48), At(48)])), "invalid_due_dates");
    }

    [Fact]
    public void Due_dates_that_are_not_in_the_future_are_refused()
    {
        Refused(() => WithTotal(Currency.IDR, 1_000_000, Plan(2, dueDates: [CreatedAt, At(48)])), "invalid_due_dates");
        Refused(() => WithTotal(Currency.IDR, 1_000_000, Plan(2, dueDates: [CreatedAt - Duration.FromDays(1), At(48)])), "invalid_due_dates");
    }

    [Fact]
    public void Due_dates_must_match_the_count()
    {
        Refused(() => WithTotal(Currency.IDR, 1_000_000, Plan(3, dueDates: [At(24), At(48)])), "invalid_due_dates");
    }

    [Fact]
    public void An_unpaid_installment_is_overdue_only_after_its_due_date()
    {
        var installment = WithTotal(Currency.IDR, 1_000_000, Plan(2)).Schedule!.Installments[0];

        Assert.Equal(InstallmentStatus.Unpaid, installment.StatusAt(installment.DueDate));
        Assert.Equal(InstallmentStatus.Overdue, installment.StatusAt(installment.DueDate + Duration.Epsilon));
        var paid = installment with { AmountPaid = installment.Amount, PaidAt = At(1) };
        Assert.Equal(InstallmentStatus.Paid, paid.StatusAt(installment.DueDate + Duration.FromDays(5)));
    }

    [Fact]
    public void Restoring_a_schedule_orders_its_installments_by_number()
    {
        var installments = WithTotal(Currency.IDR, 1_000_000, Plan(5)).Schedule!.Installments;

        var restored = InstallmentSchedule.Restore(installments.Reverse().ToArray());

        Assert.Equal(installments, restored.Installments);
        Assert.Throws<ArgumentException>(() => InstallmentSchedule.Restore(installments.Take(1).ToArray()));
    }

    [Fact]
    public void Rescheduling_when_every_installment_is_paid_is_refused()
    {
        var invoice = WithTotal(Currency.IDR, 1_000, Plan(2));
        var (allPaid, _, _) = invoice.Schedule!.Apply(Idr(1_000), At(1));

        Refused(() => allPaid.Reschedule(invoice.Totals, [], At(2)), "installments_all_paid");
    }

    [Fact]
    public void Rescheduling_reallocates_the_remaining_tax_and_fee_over_the_unpaid_installments()
    {
        // Total 1,000,000 = 900,000 + tax 90,000 + fee 10,000, as 500,000 + 250,000 + 250,000: the first (500,000; tax 45,000; fee 5,000) is paid.
        var invoice = Create(Terms(Currency.IDR, [Line(Currency.IDR, 900_000, 1, 0.1m)], new FeeRule(0m, 10_000), Plan(3, [500_000, 250_000, 250_000])));
        invoice.ApplyPayment(Idr(500_000), At(1));

        invoice.RescheduleInstallments([100_000, 400_000], At(2));

        var installments = invoice.Schedule!.Installments;
        Assert.Equal([45_000L, 9_000L, 36_000L], installments.Select(i => i.Tax.Minor));
        Assert.Equal([5_000L, 1_000L, 4_000L], installments.Select(i => i.ServiceFee.Minor));
        Assert.Equal([450_000L, 90_000L, 360_000L], installments.Select(i => i.Subtotal.Minor));
    }
}
