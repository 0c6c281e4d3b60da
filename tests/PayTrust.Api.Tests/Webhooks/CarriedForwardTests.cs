using PayTrust.Api.Tests.Invoices;
using PayTrust.Api.Tests.Payments;
using static PayTrust.Api.Tests.Webhooks.WebhookApi;

namespace PayTrust.Api.Tests.Webhooks;

/// <summary>
/// Discrepancy kinds on an installment plan (spec §5): a payment larger than its installment's attempt but within what
/// the invoice still owes is carried forward to the next installments (carried_forward), and only money beyond what the
/// invoice owed is an overpayment — so the overpayment differences add up to the invoice's overpayment_amount.
/// A 3-installment invoice of IDR 1,000,000: 333,333 + 333,333 + 333,334.
/// </summary>
public class CarriedForwardTests(WebhookApiFactory factory) : IClassFixture<WebhookApiFactory>
{
    private NodaTime.Instant Now => factory.Clock.GetCurrentInstant();

    [Fact]
    public async Task More_than_the_installment_but_within_what_is_owed_is_carried_forward_not_an_overpayment()
    {
        var setup = await AttemptAsync(factory, body: InvoiceApi.WithInstallments(3, InvoiceApi.OneMillionRupiah()), installment: 1);
        Assert.Equal(333_333, setup.Amount);
        using var gateway = factory.CreateClient();

        Assert.Equal(("processed", "applied"), await ReceiptAsync(await PostSandboxAsync(gateway, SandboxPaid(setup.Reference, 500_000, Now), Now)));

        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal(("partially_paid", 500_000L, 0L), (after.Status, after.AmountPaid, after.Overpayment));
        var discrepancy = Assert.Single(await DiscrepanciesAsync(factory, setup.InvoiceId));
        Assert.Equal(("carried_forward", 333_333L, 500_000L, (long?)166_667), (discrepancy.Kind, discrepancy.Expected, discrepancy.Received, discrepancy.Difference));
        var listed = Assert.Single((await InvoiceApi.GetAsync(setup.Client, $"/invoices/{setup.InvoiceId}/discrepancies")).GetProperty("data").EnumerateArray());
        Assert.Equal("carried_forward", listed.GetProperty("kind").GetString());
        var installments = (await InvoiceApi.GetAsync(setup.Client, $"/invoices/{setup.InvoiceId}/installments")).GetProperty("data").EnumerateArray()
            .Select(i => (i.GetProperty("status").GetString(), i.GetProperty("amount_paid").GetInt64())).ToArray();
        Assert.Equal([("paid", 333_333L), ("unpaid", 166_667L), ("unpaid", 0L)], installments);
    }

    [Fact]
    public async Task Beyond_what_the_invoice_owes_is_an_overpayment_of_the_excess_only()
    {
        var setup = await AttemptAsync(factory, body: InvoiceApi.WithInstallments(3, InvoiceApi.OneMillionRupiah()), installment: 1);
        using var gateway = factory.CreateClient();
        Assert.Equal(("processed", "applied"), await ReceiptAsync(await PostSandboxAsync(gateway, SandboxPaid(setup.Reference, 500_000, Now), Now)));
        // Installment 2's attempt asks for what is left of it: 333,333 − 166,667. The invoice still owes 500,000.
        var second = await PaymentApi.TakeAttemptAsync(setup.Client, setup.InvoiceId, 2);
        Assert.Equal(166_666, second.GetProperty("amount").GetInt64());

        Assert.Equal(("processed", "applied"), await ReceiptAsync(
            await PostSandboxAsync(gateway, SandboxPaid(second.GetProperty("reference").GetString()!, 700_000, Now), Now)));

        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal(("fully_paid", 1_200_000L, 200_000L), (after.Status, after.AmountPaid, after.Overpayment));
        var discrepancies = await DiscrepanciesAsync(factory, setup.InvoiceId);
        Assert.Equal(["carried_forward", "overpayment"], discrepancies.Select(d => d.Kind));
        var overpayment = discrepancies[1];
        // Compared with what the invoice owed, not with the installment: the difference is the overpayment itself.
        Assert.Equal((500_000L, 700_000L, (long?)200_000), (overpayment.Expected, overpayment.Received, overpayment.Difference));
        Assert.Equal(after.Overpayment, discrepancies.Where(d => d.Kind == "overpayment").Sum(d => d.Difference));
        var summary = await InvoiceApi.GetAsync(setup.Client, $"/invoices/{setup.InvoiceId}/overpayment");
        Assert.Equal(200_000, summary.GetProperty("overpayment_amount").GetInt64());
    }
}
