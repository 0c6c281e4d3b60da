using CsCheck;
using NodaTime;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using static PayTrust.Domain.Tests.InvoiceFixtures;

namespace PayTrust.Domain.Tests;

/// <summary>A generated line: the tax rate is <c>TaxTenThousandths / 10000</c>, so it has at most four decimals.</summary>
public sealed record GeneratedLine(int Quantity, long UnitPrice, int TaxTenThousandths)
{
    public Int128 Subtotal => (Int128)Quantity * UnitPrice;

    public Int128 Tax => RoundHalfAway(Subtotal, TaxTenThousandths);

    public LineItem ToLineItem(Currency currency) => Line(currency, UnitPrice, Quantity, TaxTenThousandths / 10_000m);
}

/// <summary>A generated invoice and, computed independently of the domain in 128-bit integers, what its totals must be.</summary>
public sealed record GeneratedInvoice(Currency Currency, GeneratedLine[] Lines, int FeeTenThousandths, long FeeFixed)
{
    public Int128 Subtotal => Sum(Lines, l => (long)l.Subtotal);

    public Int128 Tax => Sum(Lines, l => (long)l.Tax);

    public Int128 Fee => RoundHalfAway(Subtotal, FeeTenThousandths) + FeeFixed;

    public Int128 Total => Subtotal + Tax + Fee;

    public FeeRule FeeRule => new(FeeTenThousandths / 10_000m, FeeFixed);

    public LineItem[] LineItems() => Lines.Select(l => l.ToLineItem(Currency)).ToArray();

    public override string ToString() =>
        $"{Currency.Code} fee {FeeTenThousandths}/10000 + {FeeFixed}, lines [{string.Join(", ", Lines.Select(l => $"{l.Quantity} × {l.UnitPrice} @ {l.TaxTenThousandths}/10000"))}]";
}

/// <summary>Spec §2 and §5 as properties over random invoices.</summary>
public class InvoicePropertyTests
{
    /// <summary>Line subtotals up to 3×10^12 keep 100 lines with tax and a fee of up to 100% within 10^15.</summary>
    private const long MaxLineSubtotal = 3_000_000_000_000;

    private static readonly Gen<Currency> Currencies = Gen.OneOf(Currency.IDR, Currency.MYR, Currency.USD);

    private static readonly Gen<int> TaxRates = Gen.OneOf(Gen.Int[0, 10_000], Gen.Int[0, 3_000], Gen.OneOf(0, 500, 1_000, 1_100, 1_200, 10_000));

    private static readonly Gen<GeneratedLine> Lines =
        from quantity in Gen.OneOf(Gen.Int[1, 10], Gen.Int[1, LineItem.MaxQuantity])
        from unitPrice in Gen.OneOf(Gen.Long[0, 100_000], Gen.Long[0, MaxLineSubtotal / quantity])
        from taxRate in TaxRates
        select new GeneratedLine(quantity, unitPrice, taxRate);

    private static readonly Gen<GeneratedInvoice> Invoices = InvoicesOf(Lines.Array[1, InvoiceTerms.MaxLineItems], Gen.Long[0, 100_000]);

    /// <summary>Smaller invoices with a fixed fee of at least 12, so any of them splits into 2–12 installments.</summary>
    private static readonly Gen<GeneratedInvoice> SplittableInvoices = InvoicesOf(Lines.Array[1, 8], Gen.Long[12, 100_000]);

    /// <summary>Randomness for cutting a total into parts: small values give parts of one minor unit, large ones anything.</summary>
    private static readonly Gen<long[]> Cuts = Gen.OneOf(Gen.Long[0, 3], Gen.Long[0, long.MaxValue]).Array[11];

    private static Gen<GeneratedInvoice> InvoicesOf(Gen<GeneratedLine[]> lines, Gen<long> feeFixed) =>
        from currency in Currencies
        from generatedLines in lines
        from feePercentage in Gen.OneOf(Gen.Int[0, 500], Gen.Int[0, 10_000], Gen.OneOf(0, 290))
        from fixedFee in feeFixed
        select new GeneratedInvoice(currency, generatedLines, feePercentage, fixedFee);

    /// <summary><paramref name="parts"/> non-negative parts summing to <paramref name="total"/>, cut at random points.</summary>
    private static long[] Partition(long total, int parts, long[] randomness)
    {
        var cuts = randomness.Take(parts - 1).Select(r => r % (total + 1)).Order().ToArray();
        var result = new long[parts];
        var previous = 0L;
        for (var i = 0; i < cuts.Length; i++)
        {
            result[i] = cuts[i] - previous;
            previous = cuts[i];
        }

        result[^1] = total - previous;
        return result;
    }

    /// <summary>Random payable amounts, each at least the given minimum, summing to <paramref name="total"/>.</summary>
    private static long[] AmountsSumming(long total, long[] minimums, long[] randomness)
    {
        var slack = total - minimums.Sum();
        return Partition(slack, minimums.Length, randomness).Select((part, i) => part + minimums[i]).ToArray();
    }

    private static void AssertTotalsAreExact(GeneratedInvoice generated, Invoice invoice)
    {
        var totals = invoice.Totals;
        Assert.All(invoice.LineItems.Zip(generated.Lines), pair =>
        {
            Assert.Equal(pair.Second.Subtotal, pair.First.Subtotal.Minor);
            Assert.Equal(pair.Second.Tax, pair.First.Tax.Minor);
        });
        Assert.Equal(Sum(invoice.LineItems, l => l.Subtotal.Minor), totals.Subtotal.Minor);
        Assert.Equal(Sum(invoice.LineItems, l => l.Tax.Minor), totals.Tax.Minor);
        Assert.Equal(generated.Subtotal, totals.Subtotal.Minor);
        Assert.Equal(generated.Tax, totals.Tax.Minor);
        Assert.Equal(generated.Fee, totals.ServiceFee.Minor);
        Assert.Equal(generated.Total, totals.Total.Minor);
        Assert.Equal((Int128)totals.Subtotal.Minor + totals.Tax.Minor + totals.ServiceFee.Minor, totals.Total.Minor);
        Assert.All([totals.Subtotal, totals.Tax, totals.ServiceFee, totals.Total], m => Assert.Same(generated.Currency, m.Currency));
    }

    /// <summary>Each column sums to the invoice column; tax and fee are floor shares weighted by the amounts, the last taking the rest.</summary>
    private static void AssertScheduleColumns(IReadOnlyList<Installment> installments, long total, long tax, long fee)
    {
        AssertColumnSums(installments, total, tax, fee);
        for (var i = 0; i < installments.Count - 1; i++)
        {
            Assert.True(installments[i].Amount.Minor >= 1);
            Assert.Equal((Int128)tax * installments[i].Amount.Minor / total, installments[i].Tax.Minor);
            Assert.Equal((Int128)fee * installments[i].Amount.Minor / total, installments[i].ServiceFee.Minor);
            Assert.Equal(installments[i].Amount - installments[i].Tax - installments[i].ServiceFee, installments[i].Subtotal);
        }

        Assert.True(installments[^1].Amount.Minor >= 1);
    }

    private static void AssertColumnSums(IReadOnlyList<Installment> installments, long total, long tax, long fee)
    {
        Assert.Equal(total, Sum(installments, i => i.Amount.Minor));
        Assert.Equal(tax, Sum(installments, i => i.Tax.Minor));
        Assert.Equal(fee, Sum(installments, i => i.ServiceFee.Minor));
        Assert.Equal((Int128)total - tax - fee, Sum(installments, i => i.Subtotal.Minor));
    }

    [Fact]
    public void Random_invoices_have_exact_totals()
    {
        Invoices.Sample(generated =>
        {
            var invoice = Create(Terms(generated.Currency, generated.LineItems(), generated.FeeRule));

            AssertTotalsAreExact(generated, invoice);
            Assert.Equal(invoice.Totals, InvoiceTotals.Compute(generated.Currency, invoice.LineItems, invoice.FeeRule));
            Assert.Equal(invoice.Totals, InvoiceTotals.Compute(generated.Currency, generated.LineItems(), generated.FeeRule));
        });
    }

    [Fact]
    public void Totals_beyond_ten_to_the_fifteen_are_refused_with_invalid_amount_and_all_others_are_exact()
    {
        var bigLines =
            from quantity in Gen.OneOf(Gen.Int[1, 3], Gen.Int[1, LineItem.MaxQuantity])
            from unitPrice in Gen.Long[0, Money.MaxAmount / quantity]
            from taxRate in TaxRates
            select new GeneratedLine(quantity, unitPrice, taxRate);
        InvoicesOf(bigLines.Array[1, 4], Gen.Long[0, 100_000]).Sample(generated =>
        {
            var terms = Terms(generated.Currency, generated.LineItems(), generated.FeeRule);
            if (generated.Total > Money.MaxAmount)
            {
                Refused(() => InvoiceTotals.Compute(generated.Currency, terms.LineItems, terms.FeeRule), "invalid_amount");
                Refused(() => Create(terms), "invalid_amount");
            }
            else
            {
                AssertTotalsAreExact(generated, Create(terms));
            }
        });
    }

    [Fact]
    public void Random_installment_schedules_sum_exactly_to_the_invoice_columns()
    {
        Gen.Select(Invoices, Gen.Int[InstallmentPlan.MinCount, InstallmentPlan.MaxCount], Gen.Bool, Cuts)
            .Sample((generated, count, custom, cuts) =>
            {
                var total = (long)generated.Total;
                if (total < count)
                {
                    Refused(() => Create(Terms(generated.Currency, generated.LineItems(), generated.FeeRule, Plan(count))), "installment_amount_too_small");
                    return;
                }

                var amounts = custom ? AmountsSumming(total, Enumerable.Repeat(1L, count).ToArray(), cuts) : null;
                var plan = Plan(count, amounts);
                var invoice = Create(Terms(generated.Currency, generated.LineItems(), generated.FeeRule, plan));
                var installments = invoice.Schedule!.Installments;

                AssertTotalsAreExact(generated, invoice);
                Assert.Equal(count, installments.Count);
                Assert.Equal(Enumerable.Range(1, count), installments.Select(i => i.Number));
                var expectedAmounts = amounts ?? Enumerable.Repeat(total / count, count - 1).Append(total - (total / count * (count - 1))).ToArray();
                Assert.Equal(expectedAmounts, installments.Select(i => i.Amount.Minor));
                AssertScheduleColumns(installments, total, invoice.Totals.Tax.Minor, invoice.Totals.ServiceFee.Minor);
                Assert.Equal(
                    Enumerable.Range(1, count).Select(i => CreatedAt + Duration.FromDays(i * InstallmentPlan.DefaultIntervalDays)),
                    installments.Select(i => i.DueDate));
                Assert.All(installments, i => Assert.Equal((Money.Zero(generated.Currency), (Instant?)null), (i.AmountPaid, i.PaidAt)));

                // Recomputing gives the same schedule.
                Assert.Equal(installments, InstallmentSchedule.Plan(invoice.Totals, plan, CreatedAt).Installments);
            });
    }

    [Fact]
    public void Restoring_an_invoice_from_its_snapshot_gives_the_same_invoice()
    {
        Gen.Select(SplittableInvoices, Gen.Int[InstallmentPlan.MinCount, InstallmentPlan.MaxCount], Gen.Bool, Gen.Long[1, long.MaxValue])
            .Sample((generated, count, withInstallments, paymentSeed) =>
            {
                var original = Create(Terms(generated.Currency, generated.LineItems(), generated.FeeRule, withInstallments ? Plan(count) : null));
                original.MarkPaymentInitiated(At(1));
                original.ApplyPayment(new Money(1 + (paymentSeed % (long)generated.Total), generated.Currency), At(2));

                var restored = Invoice.Restore(Snapshot(original));

                Assert.Equal(Snapshot(original) with { Schedule = null }, Snapshot(restored) with { Schedule = null });
                Assert.Equal(original.Schedule?.Installments, restored.Schedule?.Installments);
                Assert.Empty(restored.PendingEvents);
                Assert.Equal(original.Totals, InvoiceTotals.Compute(restored.Currency, restored.LineItems, restored.FeeRule));

                // The restored invoice behaves exactly as the original does.
                var rest = original.AmountDue.Minor + 5;
                original.ApplyPayment(new Money(rest, generated.Currency), At(3));
                restored.ApplyPayment(new Money(rest, generated.Currency), At(3));
                Assert.Equal(Snapshot(original) with { Schedule = null }, Snapshot(restored) with { Schedule = null });
                Assert.Equal(original.Schedule?.Installments, restored.Schedule?.Installments);
            });
    }

    [Fact]
    public void An_invoice_read_without_its_line_items_takes_payments_as_the_whole_one_does_and_refuses_to_show_lines()
    {
        Gen.Select(SplittableInvoices, Gen.Int[InstallmentPlan.MinCount, InstallmentPlan.MaxCount], Gen.Bool, Gen.Long[1, long.MaxValue])
            .Sample((generated, count, withInstallments, paymentSeed) =>
            {
                var stored = Create(Terms(generated.Currency, generated.LineItems(), generated.FeeRule, withInstallments ? Plan(count) : null));
                var whole = Invoice.Restore(Snapshot(stored));
                var withoutLines = Invoice.Restore(Snapshot(stored, withLineItems: false));

                Assert.Throws<InvalidOperationException>(() => withoutLines.LineItems);
                foreach (var invoice in new[] { whole, withoutLines })
                {
                    invoice.MarkPaymentInitiated(At(1));
                    invoice.ApplyPayment(new Money(1 + (paymentSeed % (long)generated.Total), generated.Currency), At(2));
                    invoice.ApplyPayment(new Money(invoice.AmountDue.Minor + 5, generated.Currency), At(3));
                }

                Assert.Equal(Snapshot(whole, withLineItems: false) with { Schedule = null }, Snapshot(withoutLines, withLineItems: false) with { Schedule = null });
                Assert.Equal(whole.Schedule?.Installments, withoutLines.Schedule?.Installments);
                Assert.Equal(whole.PendingEvents, withoutLines.PendingEvents);
                Assert.Equal(InvoiceStatus.FullyPaid, withoutLines.Status);
            });
    }

    [Fact]
    public void A_partial_payment_fills_installments_in_order_and_carries_the_excess_forward()
    {
        Gen.Select(SplittableInvoices, Gen.Int[InstallmentPlan.MinCount, InstallmentPlan.MaxCount], Gen.Long[0, long.MaxValue], Gen.Int[0, 2])
            .Sample((generated, count, paymentSeed, mode) =>
            {
                var invoice = Create(Terms(generated.Currency, generated.LineItems(), generated.FeeRule, Plan(count)));
                var before = invoice.Schedule!.Installments;
                var payment = PartialPayment(before, (long)generated.Total, paymentSeed, mode);

                invoice.ApplyPayment(new Money(payment, generated.Currency), At(2));

                var after = invoice.Schedule!.Installments;
                Assert.Equal(payment, Sum(after, i => i.AmountPaid.Minor));
                var paidCount = after.TakeWhile(i => i.IsPaid).Count();
                Assert.All(after.Skip(paidCount), i => Assert.False(i.IsPaid));
                Assert.All(after.Skip(paidCount + 1), i => Assert.Equal(0, i.AmountPaid.Minor));
                Assert.All(after.Take(paidCount), i => Assert.Equal((i.Amount, (Instant?)At(2)), (i.AmountPaid, i.PaidAt)));
                Assert.All(after.Zip(before), pair => Assert.Equal(pair.Second with { AmountPaid = pair.First.AmountPaid, PaidAt = pair.First.PaidAt }, pair.First));
                Assert.Equal(
                    Enumerable.Range(1, paidCount),
                    invoice.PendingEvents.Where(e => e.Type == InvoiceEvents.InstallmentPaid).Select(e => e.InstallmentNumber!.Value));
                Assert.Equal(InvoiceStatus.PartiallyPaid, invoice.Status);
                Assert.Equal(payment, invoice.AmountPaid.Minor);
            });
    }

    [Fact]
    public void Rescheduling_after_a_partial_payment_keeps_columns_exact_and_paid_installments_unchanged()
    {
        Gen.Select(SplittableInvoices, Gen.Int[InstallmentPlan.MinCount, InstallmentPlan.MaxCount], Gen.Long[0, long.MaxValue], Gen.Int[0, 2], Cuts, Gen.Bool)
            .Sample((generated, count, paymentSeed, mode, cuts, initiated) =>
            {
                var invoice = Create(Terms(generated.Currency, generated.LineItems(), generated.FeeRule, Plan(count)));
                if (initiated)
                {
                    invoice.MarkPaymentInitiated(At(1));
                }

                var payment = PartialPayment(invoice.Schedule!.Installments, (long)generated.Total, paymentSeed, mode);
                invoice.ApplyPayment(new Money(payment, generated.Currency), At(2));
                var before = invoice.Schedule!.Installments;
                var paid = before.Where(i => i.IsPaid).ToArray();
                var unpaid = before.Where(i => !i.IsPaid).ToArray();
                var totals = invoice.Totals;
                var remaining = totals.Total.Minor - paid.Sum(i => i.Amount.Minor);
                var amounts = AmountsSumming(remaining, unpaid.Select(i => Math.Max(1, i.AmountPaid.Minor)).ToArray(), cuts);

                invoice.RescheduleInstallments(amounts, At(3));

                var after = invoice.Schedule!.Installments;
                Assert.Equal(Enumerable.Range(1, count), after.Select(i => i.Number));
                Assert.Equal(paid, after.Take(paid.Length));
                var rescheduled = after.Skip(paid.Length).ToArray();
                Assert.Equal(amounts, rescheduled.Select(i => i.Amount.Minor));
                Assert.Equal(unpaid.Select(i => (i.DueDate, i.AmountPaid)), rescheduled.Select(i => (i.DueDate, i.AmountPaid)));
                // A new amount equal to what is already applied closes that installment now.
                Assert.Equal(rescheduled.Select(i => i.Amount == i.AmountPaid ? At(3) : (Instant?)null), rescheduled.Select(i => i.PaidAt));
                AssertColumnSums(after, totals.Total.Minor, totals.Tax.Minor, totals.ServiceFee.Minor);

                // The unpaid installments share what remains of the tax and fee, weighted by their new amounts.
                AssertScheduleColumns(
                    rescheduled,
                    remaining,
                    totals.Tax.Minor - paid.Sum(i => i.Tax.Minor),
                    totals.ServiceFee.Minor - paid.Sum(i => i.ServiceFee.Minor));
                Assert.Equal(totals, invoice.Totals);
                Assert.Equal(payment, invoice.AmountPaid.Minor);
                Assert.Equal(InvoiceStatus.PartiallyPaid, invoice.Status);
            });
    }

    /// <summary>A payment below the total: anywhere (mode 0), exactly on an installment boundary (1) or one past it (2).</summary>
    private static long PartialPayment(IReadOnlyList<Installment> installments, long total, long seed, int mode)
    {
        if (mode == 0)
        {
            return 1 + (seed % (total - 1));
        }

        var boundary = installments.Take(1 + (int)(seed % (installments.Count - 1))).Sum(i => i.Amount.Minor);
        return mode == 1 || boundary + 1 >= total ? boundary : boundary + 1;
    }
}
