using NodaTime;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Invoices;

/// <summary>
/// The installments of an invoice (spec §5). Tax and fee are spread by the one allocation rule weighted
/// by the payable amounts, so every column sums back to the invoice column exactly. Immutable: each
/// change returns a new schedule.
/// </summary>
public sealed class InstallmentSchedule
{
    /// <summary>The furthest a due date may lie from creation: the longest schedule interval_days can make.</summary>
    public static readonly Duration LongestSchedule = Duration.FromDays(InstallmentPlan.MaxCount * InstallmentPlan.MaxIntervalDays);

    private InstallmentSchedule(IReadOnlyList<Installment> installments) => Installments = installments;

    public IReadOnlyList<Installment> Installments { get; }

    public int Count => Installments.Count;

    public Instant LastDueDate => Installments[^1].DueDate;

    public Installment? NextUnpaid => Installments.FirstOrDefault(i => !i.IsPaid);

    public static InstallmentSchedule Restore(IReadOnlyList<Installment> installments)
    {
        ArgumentNullException.ThrowIfNull(installments);
        if (installments.Count is < InstallmentPlan.MinCount or > InstallmentPlan.MaxCount)
        {
            throw new ArgumentException($"A schedule has {InstallmentPlan.MinCount} to {InstallmentPlan.MaxCount} installments.", nameof(installments));
        }

        return new InstallmentSchedule(installments.OrderBy(i => i.Number).ToArray());
    }

    /// <summary>A new schedule for an invoice created (or revised) at <paramref name="createdAt"/>.</summary>
    public static InstallmentSchedule Plan(InvoiceTotals totals, InstallmentPlan plan, Instant createdAt)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Count is < InstallmentPlan.MinCount or > InstallmentPlan.MaxCount)
        {
            throw Invalid("invalid_installments", $"installments.count must be between {InstallmentPlan.MinCount} and {InstallmentPlan.MaxCount}");
        }

        var dueDates = DueDates(plan, createdAt);
        var amounts = plan.Amounts is { } custom ? CheckCustomAmounts(custom, plan.Count, totals.Total) : EqualAmounts(totals.Total, plan.Count);
        return new InstallmentSchedule(Allocate(totals.Tax, totals.ServiceFee, amounts, dueDates, firstNumber: 1));
    }

    /// <summary>
    /// New payable amounts for the unpaid installments, in order (PATCH /invoices/{id}/installments).
    /// Paid installments stay as they are; the unpaid ones share what remains of the total, tax and fee.
    /// </summary>
    /// <returns>The new schedule and the installments it closes: a new amount equal to what is already applied makes that installment paid now.</returns>
    public (InstallmentSchedule Schedule, IReadOnlyList<int> NowPaid) Reschedule(InvoiceTotals totals, IReadOnlyList<long> unpaidAmounts, Instant now)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(unpaidAmounts);
        var paid = Installments.Where(i => i.IsPaid).ToArray();
        var unpaid = Installments.Where(i => !i.IsPaid).ToArray();
        if (unpaid.Length == 0)
        {
            throw new PayTrustException(ErrorKind.Conflict, "installments_all_paid", "Every installment is paid; there is nothing to reschedule");
        }

        if (unpaidAmounts.Count != unpaid.Length)
        {
            throw Invalid("installment_count_mismatch", $"amounts has {unpaidAmounts.Count} values but there are {unpaid.Length} unpaid installments");
        }

        var currency = totals.Total.Currency;
        for (var i = 0; i < unpaid.Length; i++)
        {
            var minimum = Math.Max(1, unpaid[i].AmountPaid.Minor);
            if (unpaidAmounts[i] < minimum)
            {
                throw Invalid("installment_amount_too_small",
                    $"Installment {unpaid[i].Number} must be at least {minimum} (at least 1 minor unit and no less than what is already applied to it)");
            }
        }

        var remaining = totals.Total - Sum(paid.Select(i => i.Amount), currency);
        var requested = SumChecked(unpaidAmounts);
        if (requested != remaining.Minor)
        {
            throw Invalid("installment_sum_mismatch",
                $"Installment amounts sum to {requested} but the unpaid installments must sum to {remaining.Minor} (total_amount {totals.Total.Minor} minus {totals.Total.Minor - remaining.Minor} already paid)");
        }

        var remainingTax = totals.Tax - Sum(paid.Select(i => i.Tax), currency);
        var remainingFee = totals.ServiceFee - Sum(paid.Select(i => i.ServiceFee), currency);
        var reallocated = Allocate(remainingTax, remainingFee, unpaidAmounts.Select(a => new Money(a, currency)).ToArray(), unpaid.Select(i => i.DueDate).ToArray(), unpaid[0].Number)
            .Select((installment, index) => installment with { AmountPaid = unpaid[index].AmountPaid })
            .Select(installment => installment.IsPaid ? installment with { PaidAt = now } : installment)
            .ToArray();
        return (new InstallmentSchedule([.. paid, .. reallocated]), reallocated.Where(i => i.IsPaid).Select(i => i.Number).ToArray());
    }

    /// <summary>
    /// Applies a payment (spec §5): the first unpaid installment first, any excess carried forward in
    /// order; returns what is left beyond the last installment (the overpayment). Paid installments are
    /// never touched.
    /// </summary>
    public (InstallmentSchedule Schedule, Money Excess, IReadOnlyList<int> NewlyPaid) Apply(Money payment, Instant now)
    {
        var remaining = payment;
        var newlyPaid = new List<int>();
        var updated = Installments.Select(installment =>
        {
            if (installment.IsPaid || remaining.Minor == 0)
            {
                return installment;
            }

            var taken = remaining < installment.Outstanding ? remaining : installment.Outstanding;
            remaining -= taken;
            var after = installment with { AmountPaid = installment.AmountPaid + taken };
            if (after.IsPaid)
            {
                newlyPaid.Add(after.Number);
                return after with { PaidAt = now };
            }

            return after;
        }).ToArray();
        return (new InstallmentSchedule(updated), remaining, newlyPaid);
    }

    private static Money[] EqualAmounts(Money total, int count) =>
        total.Minor >= count
            ? total.AllocateEvenly(count).ToArray()
            : throw Invalid("installment_amount_too_small", $"total_amount {total.Minor} cannot be split into {count} installments of at least 1 minor unit each");

    private static Money[] CheckCustomAmounts(IReadOnlyList<long> amounts, int count, Money total)
    {
        if (amounts.Count != count)
        {
            throw Invalid("installment_count_mismatch", $"installments.amounts has {amounts.Count} values but installments.count is {count}");
        }

        if (amounts.Any(a => a < 1))
        {
            throw Invalid("installment_amount_too_small", "Every installment amount must be at least 1 minor unit");
        }

        var sum = SumChecked(amounts);
        return sum == total.Minor
            ? amounts.Select(a => new Money(a, total.Currency)).ToArray()
            : throw Invalid("installment_sum_mismatch", $"Installment amounts sum to {sum} but total_amount is {total.Minor}");
    }

    private static Instant[] DueDates(InstallmentPlan plan, Instant createdAt)
    {
        if (plan.DueDates is { } given)
        {
            if (given.Count != plan.Count)
            {
                throw Invalid("invalid_due_dates", $"installments.due_dates has {given.Count} dates but installments.count is {plan.Count}");
            }

            for (var i = 0; i < given.Count; i++)
            {
                if (given[i] <= createdAt)
                {
                    throw Invalid("invalid_due_dates", "Every installment due date must be in the future");
                }

                // As far out as the longest schedule interval_days allows (12 × 366 days), so no date lands
                // near the end of time, where the expiry window would overflow.
                if (given[i] > createdAt + LongestSchedule)
                {
                    throw Invalid("invalid_due_dates", $"Installment due dates must be within {LongestSchedule.Days} days of creation");
                }

                if (i > 0 && given[i] <= given[i - 1])
                {
                    throw Invalid("invalid_due_dates", "Installment due dates must be strictly increasing");
                }
            }

            return given.ToArray();
        }

        var interval = plan.IntervalDays ?? InstallmentPlan.DefaultIntervalDays;
        if (interval is < 1 or > InstallmentPlan.MaxIntervalDays)
        {
            throw Invalid("invalid_installments", $"installments.interval_days must be between 1 and {InstallmentPlan.MaxIntervalDays}");
        }

        return Enumerable.Range(1, plan.Count).Select(i => createdAt + Duration.FromDays(i * interval)).ToArray();
    }

    private static Installment[] Allocate(Money tax, Money fee, Money[] amounts, Instant[] dueDates, int firstNumber)
    {
        var weights = amounts.Select(a => a.Minor).ToArray();
        var taxes = tax.Allocate(weights);
        var fees = fee.Allocate(weights);
        var zero = Money.Zero(tax.Currency);
        return amounts.Select((amount, i) => new Installment(firstNumber + i, dueDates[i], amount, taxes[i], fees[i], zero, null)).ToArray();
    }

    private static Money Sum(IEnumerable<Money> amounts, Currency currency) => amounts.Aggregate(Money.Zero(currency), (sum, next) => sum + next);

    // Client-supplied amounts are each ≤ 10^15 but their sum is summed in 128 bits so twelve of them cannot overflow.
    private static long SumChecked(IEnumerable<long> amounts)
    {
        Int128 sum = 0;
        foreach (var amount in amounts)
        {
            sum += amount;
        }

        return sum <= long.MaxValue ? (long)sum : long.MaxValue;
    }

    private static PayTrustException Invalid(string code, string message) => new(ErrorKind.InvalidInput, code, message);
}
