using NodaTime;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;
using static PayTrust.Domain.Tests.InvoiceFixtures;

namespace PayTrust.Domain.Tests;

/// <summary>Stranded money (spec §7.4 step 8): a payment not applied where it arrived, applied once to an open invoice of its currency.</summary>
public class StrandedPaymentTests
{
    [Fact]
    public void Applied_to_an_open_invoice_it_moves_there_applied_and_recorded_now()
    {
        var invoice = WithTotal(Currency.IDR, 100_000);
        var stranded = Stranded(invoice.TenantId, Idr(40_000));

        var moved = stranded.ApplyTo(invoice, At(5));

        Assert.Equal((invoice.Id, true, At(5)), (moved.InvoiceId, moved.Applied, moved.RecordedAt));
        Assert.Equal((stranded.Id, stranded.Amount, stranded.PaidAt, stranded.GatewayTransactionId), (moved.Id, moved.Amount, moved.PaidAt, moved.GatewayTransactionId));
    }

    [Fact]
    public void Draft_pending_partially_paid_and_failed_invoices_are_open()
    {
        var draft = WithTotal(Currency.IDR, 100_000);
        var pending = WithTotal(Currency.IDR, 100_000);
        pending.MarkPaymentInitiated(At(1));
        var partiallyPaid = WithTotal(Currency.IDR, 100_000);
        partiallyPaid.ApplyPayment(Idr(1), At(1));
        var failed = WithTotal(Currency.IDR, 100_000);
        failed.MarkPaymentInitiated(At(1));
        failed.MarkAttemptFailed(At(2));

        foreach (var invoice in new[] { draft, pending, partiallyPaid, failed })
        {
            Assert.True(Stranded(invoice.TenantId, Idr(10)).ApplyTo(invoice, At(3)).Applied);
        }

        Assert.Equal(InvoiceStatus.Failed, failed.Status);
    }

    [Fact]
    public void A_paid_cancelled_or_expired_invoice_is_not_open()
    {
        var paid = WithTotal(Currency.IDR, 100_000);
        paid.ApplyPayment(Idr(100_000), At(1));
        var cancelled = WithTotal(Currency.IDR, 100_000);
        cancelled.Cancel(At(1));
        var expired = WithTotal(Currency.IDR, 100_000, expiresAt: At(2));
        expired.Expire(At(3));

        foreach (var invoice in new[] { paid, cancelled, expired })
        {
            var refusal = Refused(() => Stranded(invoice.TenantId, Idr(10)).ApplyTo(invoice, At(4)), "invoice_not_payable");
            Assert.Equal(ErrorKind.Conflict, refusal.Kind);
        }
    }

    [Fact]
    public void Money_in_another_currency_or_already_applied_is_refused()
    {
        var invoice = WithTotal(Currency.IDR, 100_000);

        var mismatch = Refused(() => Stranded(invoice.TenantId, new Money(6_500, Currency.USD)).ApplyTo(invoice, At(1)), "currency_mismatch");
        var applied = Refused(() => (Stranded(invoice.TenantId, Idr(10)) with { Applied = true }).ApplyTo(invoice, At(1)), "payment_already_applied");

        Assert.Equal((ErrorKind.BusinessRule, ErrorKind.Conflict), (mismatch.Kind, applied.Kind));
        Assert.Throws<ArgumentException>(() => Stranded(Guid.NewGuid(), Idr(10)).ApplyTo(invoice, At(1)));
    }

    private static Payment Stranded(Guid tenantId, Money amount) => new(
        Guid.NewGuid(), tenantId, Guid.NewGuid(), Guid.NewGuid(), "card_psp", "sandbox", "sbx_txn_1", null, amount, PaymentSource.Webhook,
        Applied: false, null, At(0), At(0) + Duration.FromMinutes(1));
}
