using NodaTime;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;
using static PayTrust.Domain.Tests.InvoiceFixtures;

namespace PayTrust.Domain.Tests;

/// <summary>
/// <see cref="InvoiceHeader"/> (ADR 21) follows the aggregate's rules: given an invoice in any status, its header
/// answers and changes exactly as the whole invoice does.
/// </summary>
public class InvoiceHeaderTests
{
    public static TheoryData<InvoiceStatus> Statuses => new(Enum.GetValues<InvoiceStatus>());

    [Theory]
    [MemberData(nameof(Statuses))]
    public void Marking_payment_initiated_changes_the_header_as_it_changes_the_invoice(InvoiceStatus status) =>
        AssertHeaderFollowsInvoice(InvoiceLifecycleTests.InvoiceIn(status));

    [Fact]
    public void An_invoice_paid_in_part_before_any_checkout_is_initiated_alike_in_both()
    {
        // A merchant-recorded payment on a draft: partially paid, no payment_initiated_at yet.
        var invoice = InvoiceLifecycleTests.InvoiceIn(InvoiceStatus.Draft);
        invoice.ApplyPayment(Idr(100_000), At(2));
        Assert.Equal((InvoiceStatus.PartiallyPaid, (Instant?)null), (invoice.Status, invoice.PaymentInitiatedAt));

        AssertHeaderFollowsInvoice(invoice);
    }

    private static void AssertHeaderFollowsInvoice(Invoice invoice)
    {
        invoice.MarkSaved();
        var header = InvoiceHeader.Of(invoice);

        var invoiceOutcome = Outcome(() => invoice.MarkPaymentInitiated(At(3)));
        var headerOutcome = Outcome(() => header.MarkPaymentInitiated(At(3)));

        Assert.Equal(invoiceOutcome, headerOutcome);
        Assert.Equal((invoice.Status, invoice.UpdatedAt, invoice.PaymentInitiatedAt), (header.Status, header.UpdatedAt, header.PaymentInitiatedAt));
        Assert.Equal(invoice.PendingEvents, header.PendingEvents);
        Assert.Equal(invoice.AmountDue, header.AmountDue);
    }

    [Theory]
    [MemberData(nameof(Statuses))]
    public void Can_take_payment_answers_as_the_invoice_does_before_at_and_after_expiry(InvoiceStatus status)
    {
        var invoice = InvoiceLifecycleTests.InvoiceIn(status);
        var header = InvoiceHeader.Of(invoice);

        foreach (var when in new[] { At(3), invoice.ExpiresAt - Duration.FromTicks(1), invoice.ExpiresAt, invoice.ExpiresAt + Duration.FromHours(1) })
        {
            Assert.Equal(invoice.CanTakePaymentAt(when), header.CanTakePaymentAt(when));
        }
    }

    [Fact]
    public void A_draft_header_becomes_pending_once_and_raises_payment_initiated_once()
    {
        var header = InvoiceHeader.Of(InvoiceLifecycleTests.InvoiceIn(InvoiceStatus.Draft));

        Assert.True(header.MarkPaymentInitiated(At(3)));
        header.MarkSaved();
        Assert.False(header.MarkPaymentInitiated(At(4)));

        Assert.Equal((InvoiceStatus.Pending, At(3), At(3)), (header.Status, header.UpdatedAt, header.PaymentInitiatedAt));
        Assert.Empty(header.PendingEvents);
    }

    [Fact]
    public void A_paid_header_refuses_as_the_invoice_does()
    {
        var header = InvoiceHeader.Of(InvoiceLifecycleTests.InvoiceIn(InvoiceStatus.FullyPaid));

        Refused(() => header.MarkPaymentInitiated(At(3)), "invoice_not_payable");
        Assert.Equal(InvoiceStatus.FullyPaid, header.Status);
        Assert.Empty(header.PendingEvents);
    }

    private static string Outcome(Func<bool> mark)
    {
        try
        {
            return mark() ? "changed" : "unchanged";
        }
        catch (PayTrustException refused)
        {
            return refused.Code;
        }
    }
}
