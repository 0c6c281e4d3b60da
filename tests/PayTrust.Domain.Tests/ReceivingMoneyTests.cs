using CsCheck;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;
using static PayTrust.Domain.Tests.InvoiceFixtures;

namespace PayTrust.Domain.Tests;

/// <summary>Money arriving for an invoice (spec §5, §7.4): in any order and amount, the books always balance.</summary>
public class ReceivingMoneyTests
{
    private const long Total = 100_000;

    [Fact]
    public void Any_sequence_of_payments_keeps_amounts_installments_and_status_consistent()
    {
        Gen.Select(Gen.Int[0, 12], Gen.Long[1, 150_000].Array[1, 10])
            .Sample((count, payments) =>
            {
                var invoice = count >= InstallmentPlan.MinCount ? WithTotal(Currency.IDR, Total, Plan(count)) : WithTotal(Currency.IDR, Total);
                invoice.MarkPaymentInitiated(At(1));
                var received = 0L;
                foreach (var payment in payments)
                {
                    invoice.ApplyPayment(Idr(payment), At(2));
                    received += payment;
                }

                Assert.Equal(received, invoice.AmountPaid.Minor);
                Assert.Equal(Math.Max(0, received - Total), invoice.Overpayment.Minor);
                Assert.Equal(Math.Max(0, Total - received), invoice.AmountDue.Minor);
                Assert.Equal(received >= Total ? InvoiceStatus.FullyPaid : InvoiceStatus.PartiallyPaid, invoice.Status);
                if (invoice.Schedule is { } schedule)
                {
                    // Installments hold exactly what was received up to the total; the rest is overpayment.
                    Assert.Equal(Math.Min(received, Total), schedule.Installments.Sum(i => i.AmountPaid.Minor));
                    Assert.All(schedule.Installments, i => Assert.InRange(i.AmountPaid.Minor, 0, i.Amount.Minor));
                    Assert.Equal(Total, schedule.Installments.Sum(i => i.Amount.Minor));
                }
            });
    }

    [Fact]
    public void A_fully_paid_invoice_takes_more_money_as_overpayment_without_changing_state()
    {
        var invoice = WithTotal(Currency.IDR, Total);
        invoice.MarkPaymentInitiated(At(1));
        invoice.ApplyPayment(Idr(Total), At(2));
        var paidAt = invoice.PaidAt;
        invoice.MarkSaved();

        invoice.ApplyPayment(Idr(30_000), At(3));

        Assert.Equal(InvoiceStatus.FullyPaid, invoice.Status);
        Assert.Equal((130_000L, 30_000L, 0L), (invoice.AmountPaid.Minor, invoice.Overpayment.Minor, invoice.AmountDue.Minor));
        Assert.Equal(paidAt, invoice.PaidAt);
        Assert.Empty(invoice.PendingEvents);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_cancelled_or_expired_invoice_does_not_take_money(bool cancelled)
    {
        var invoice = WithTotal(Currency.IDR, Total, expiresAt: At(5));
        if (cancelled)
        {
            invoice.Cancel(At(1));
        }
        else
        {
            invoice.Expire(At(6));
        }

        Assert.False(invoice.CanApplyMoney);
        Assert.Equal(ErrorKind.Conflict, Refused(() => invoice.ApplyPayment(Idr(1_000), At(7)), "invoice_not_payable").Kind);
        Assert.Equal(0, invoice.AmountPaid.Minor);
    }

    [Fact]
    public void Money_in_another_currency_is_refused()
    {
        var invoice = WithTotal(Currency.IDR, Total);
        Assert.Throws<CurrencyMismatchException>(() => invoice.ApplyPayment(new Money(1_000, Currency.USD), At(2)));
        Assert.Equal(0, invoice.AmountPaid.Minor);
    }

    [Fact]
    public void A_discrepancy_difference_is_received_minus_expected_and_only_within_one_currency()
    {
        Discrepancy Of(Money expected, Money received) =>
            new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), null, null, DiscrepancyKind.Underpayment, expected, received, At(1));

        Assert.Equal(-25_000, Of(Idr(100_000), Idr(75_000)).Difference);
        Assert.Equal(5_000, Of(Idr(100_000), Idr(105_000)).Difference);
        Assert.Null(Of(Idr(100_000), new Money(100_000, Currency.USD)).Difference);
    }
}
