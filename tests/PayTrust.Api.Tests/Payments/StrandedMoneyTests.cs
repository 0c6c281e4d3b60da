using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using PayTrust.Api.Tests.Invoices;
using PayTrust.Api.Tests.Reports;
using PayTrust.Api.Tests.Webhooks;
using PayTrust.Application.Features.Reconciliation;
using static PayTrust.Api.Tests.Webhooks.WebhookApi;

namespace PayTrust.Api.Tests.Payments;

/// <summary>
/// Stranded money (spec §7.4 step 8): money that could not be applied where it arrived — the invoice was closed, or it
/// came in another currency — is listed by GET /payments?applied=false and applied with POST /payments/{id}/apply to an
/// open invoice of the same tenant and currency, exactly once, through the same steps as money arriving now.
/// </summary>
public class StrandedMoneyTests(WebhookApiFactory factory) : IClassFixture<WebhookApiFactory>
{
    private Instant Now => factory.Clock.GetCurrentInstant();

    [Fact]
    public async Task Money_for_a_cancelled_invoice_is_listed_and_applied_once_to_an_open_invoice()
    {
        var (tenant, client) = await TenantAsync();
        var (cancelledId, paymentId) = await StrandAsync(tenant, client, 1_000_000);
        var targetId = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.OneMillionRupiah());

        var stranded = Assert.Single(await ListAsync(client, "?applied=false"));
        Assert.Equal((paymentId, cancelledId, false, "closed_invoice", 1_000_000L, "IDR"), Summary(stranded));
        Assert.Equal(JsonValueKind.Null, stranded.GetProperty("original_invoice_id").ValueKind);
        Assert.Empty(await ListAsync(client, "?applied=true"));
        Assert.Single(await ListAsync(client, ""));
        var strandedAt = stranded.GetProperty("recorded_at").GetString();

        factory.Clock.Advance(Duration.FromMinutes(3));
        var applied = await HttpAssert.JsonAsync(await ApplyAsync(client, paymentId, targetId), HttpStatusCode.OK);

        Assert.Equal((paymentId, targetId, true, 1_000_000L), (applied.GetProperty("id").GetGuid(), applied.GetProperty("invoice_id").GetGuid(),
            applied.GetProperty("applied").GetBoolean(), applied.GetProperty("amount").GetInt64()));
        Assert.Equal(cancelledId, applied.GetProperty("original_invoice_id").GetGuid());
        Assert.Equal(strandedAt, applied.GetProperty("original_recorded_at").GetString());
        Assert.Equal(ReportApi.Iso(Now), applied.GetProperty("recorded_at").GetString());
        Assert.Equal(("fully_paid", 1_000_000L, 0L), InvoiceAmounts(applied.GetProperty("invoice")));

        var target = await InvoiceApi.GetAsync(client, $"/invoices/{targetId}");
        Assert.Equal(("fully_paid", 1_000_000L, 0L), InvoiceAmounts(target));
        Assert.Equal(("cancelled", 0L), ((await SnapshotAsync(factory, cancelledId)).Status, (await SnapshotAsync(factory, cancelledId)).AmountPaid));
        Assert.Empty(await ListAsync(client, "?applied=false"));
        var moved = Assert.Single(await ListAsync(client, "?applied=true"));
        Assert.Equal((paymentId, targetId, true, (string?)null, 1_000_000L, "IDR"), Summary(moved));
        Assert.Equal(cancelledId, moved.GetProperty("original_invoice_id").GetGuid());
        // The money's trail: it arrived for the cancelled invoice (closed_invoice), and shows among the target's transactions.
        Assert.Single(await DiscrepanciesAsync(factory, cancelledId), d => d.Kind == "closed_invoice" && d.PaymentId == paymentId);
        Assert.Empty(await DiscrepanciesAsync(factory, targetId));
        Assert.Single((await InvoiceApi.GetAsync(client, $"/invoices/{targetId}/transactions")).GetProperty("data").EnumerateArray(),
            t => t.GetProperty("id").GetGuid() == paymentId && t.GetProperty("status").GetString() == "succeeded");

        // Events: payment.succeeded when it arrived (not applied) and when it was applied, and the target's invoice.paid.
        var succeeded = (await EventsAsync(client, "payment.succeeded")).Select(e => e.GetProperty("payload")).ToArray();
        Assert.Equal(2, succeeded.Length);
        Assert.All(succeeded, p => Assert.Equal(paymentId, p.GetProperty("payment_id").GetGuid()));
        Assert.Single(succeeded, p => p.GetProperty("applied").GetBoolean() && p.GetProperty("invoice_id").GetGuid() == targetId);
        Assert.Single(await EventsAsync(client, "invoice.paid"), e => e.GetProperty("subject_id").GetGuid() == targetId);

        // Collected when applied, once, in the finance report.
        var report = Assert.Single((await ReportApi.GetAsync(client, Now - Duration.FromHours(1), Now + Duration.FromHours(1))).GetProperty("by_currency").EnumerateArray());
        Assert.Equal((1L, 1_000_000L), (report.GetProperty("invoice_count").GetInt64(), report.GetProperty("collected").GetInt64()));

        await AssertInvariantsHoldAsync(cancelledId, targetId);

        var again = await ApplyAsync(client, paymentId, await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.OneMillionRupiah()));
        Assert.Equal("payment_already_applied", (await HttpAssert.Problem.ReadAsync(again, HttpStatusCode.Conflict)).Code);
    }

    [Fact]
    public async Task Eight_requests_racing_to_apply_one_payment_to_one_invoice_apply_it_once()
    {
        var (tenant, client) = await TenantAsync();
        var (_, paymentId) = await StrandAsync(tenant, client, 400_000);
        var targetId = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.OneMillionRupiah());

        var responses = await RaceAsync(tenant, Enumerable.Repeat(targetId, 8).ToArray(), paymentId);

        await AssertOneWinnerAsync(responses);
        Assert.Equal(("partially_paid", 400_000L, 0L), InvoiceAmounts(await InvoiceApi.GetAsync(client, $"/invoices/{targetId}")));
        Assert.Equal(1, await CountAsync(factory, "SELECT COUNT(*) FROM payments WHERE invoice_id = @Id AND applied", new { Id = targetId }));
        Assert.Single(await EventsAsync(client, "payment.succeeded"), e => e.GetProperty("payload").GetProperty("applied").GetBoolean());
        Assert.Single(await EventsAsync(client, "invoice.partially_paid"));
        await AssertInvariantsHoldAsync(targetId);
    }

    [Fact]
    public async Task Eight_requests_racing_to_apply_one_payment_to_eight_invoices_apply_it_to_one()
    {
        var (tenant, client) = await TenantAsync();
        var (_, paymentId) = await StrandAsync(tenant, client, 1_000_000);
        var targets = new Guid[8];
        for (var i = 0; i < targets.Length; i++)
        {
            targets[i] = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.OneMillionRupiah());
        }

        var responses = await RaceAsync(tenant, targets, paymentId);

        var winner = await AssertOneWinnerAsync(responses);
        var invoices = new List<(string Status, long AmountPaid, long Overpayment)>();
        foreach (var id in targets)
        {
            invoices.Add(InvoiceAmounts(await InvoiceApi.GetAsync(client, $"/invoices/{id}")));
        }

        Assert.Equal(1_000_000, invoices.Sum(i => i.AmountPaid));
        Assert.Single(invoices, i => i == ("fully_paid", 1_000_000L, 0L));
        Assert.Equal(7, invoices.Count(i => i == ("draft", 0L, 0L)));
        Assert.Equal(("fully_paid", 1_000_000L, 0L), InvoiceAmounts(await InvoiceApi.GetAsync(client, $"/invoices/{winner.GetProperty("invoice_id").GetGuid()}")));
        await AssertInvariantsHoldAsync(targets);
    }

    [Fact]
    public async Task Money_in_another_currency_is_kept_and_applied_only_to_an_invoice_of_its_own_currency()
    {
        var setup = await AttemptAsync(factory);
        using var gateway = factory.CreateClient();
        Assert.Equal(("rejected", "currency_mismatch"),
            await ReceiptAsync(await PostSandboxAsync(gateway, SandboxPaid(setup.Reference, 6_500, Now, currency: "USD"), Now)));

        var stranded = Assert.Single(await ListAsync(setup.Client, "?applied=false"));
        var paymentId = stranded.GetProperty("id").GetGuid();
        Assert.Equal((paymentId, setup.InvoiceId, false, "currency_mismatch", 6_500L, "USD"), Summary(stranded));
        Assert.Equal("sandbox", stranded.GetProperty("gateway").GetString());

        var rupiah = await InvoiceApi.CreateIdAsync(factory, setup.Tenant, InvoiceApi.OneMillionRupiah());
        var refused = await ApplyAsync(setup.Client, paymentId, rupiah);
        Assert.Equal("currency_mismatch", (await HttpAssert.Problem.ReadAsync(refused, HttpStatusCode.UnprocessableEntity)).Code);
        Assert.Equal(("draft", 0L, 0L), InvoiceAmounts(await InvoiceApi.GetAsync(setup.Client, $"/invoices/{rupiah}")));

        var dollarsBody = InvoiceApi.Body();
        dollarsBody["currency_code"] = "USD";
        var dollars = await InvoiceApi.CreateIdAsync(factory, setup.Tenant, dollarsBody);
        var applied = await HttpAssert.JsonAsync(await ApplyAsync(setup.Client, paymentId, dollars), HttpStatusCode.OK);

        Assert.Equal(("partially_paid", 6_500L, 0L), InvoiceAmounts(applied.GetProperty("invoice")));
        Assert.Equal(("USD", setup.InvoiceId), (applied.GetProperty("currency_code").GetString(), applied.GetProperty("original_invoice_id").GetGuid()));
        // The invoice the money arrived for is as it was, with its currency_mismatch discrepancy naming the payment.
        var original = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal(("pending", 0L), (original.Status, original.AmountPaid));
        Assert.Single(await DiscrepanciesAsync(factory, setup.InvoiceId), d => d.Kind == "currency_mismatch" && d.PaymentId == paymentId);
        await AssertInvariantsHoldAsync(setup.InvoiceId, rupiah, dollars);
    }

    [Fact]
    public async Task Only_an_open_invoice_takes_stranded_money()
    {
        var (tenant, client) = await TenantAsync();
        var (_, paymentId) = await StrandAsync(tenant, client, 1_000_000);
        var cancelled = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.OneMillionRupiah());
        await HttpAssert.JsonAsync(await client.PostAsync($"/invoices/{cancelled}/cancel", null), HttpStatusCode.OK);
        var paid = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.OneMillionRupiah());
        await HttpAssert.JsonAsync(await client.PostAsJsonAsync($"/invoices/{paid}/payments",
            new { amount = 1_000_000, currency_code = "IDR", reference = "PAID-" + Guid.NewGuid().ToString("N"), rail = "bank_transfer" }), HttpStatusCode.Created);
        var before = await DatabaseChecksum.OfAsync(factory.Database);

        foreach (var closed in new[] { cancelled, paid })
        {
            var refused = await ApplyAsync(client, paymentId, closed);
            Assert.Equal("invoice_not_payable", (await HttpAssert.Problem.ReadAsync(refused, HttpStatusCode.Conflict)).Code);
        }

        Assert.Equal(before, await DatabaseChecksum.OfAsync(factory.Database));
        // A failed invoice (its last attempt declined, nothing paid) is open: it takes the money.
        var failed = await AttemptAsync(factory, body: InvoiceApi.OneMillionRupiah());
        using var gateway = factory.CreateClient();
        await ReceiptAsync(await PostSandboxAsync(gateway, SandboxDeclined(failed.Reference, failed.Amount, Now), Now));
        var (_, failedTenantPayment) = await StrandAsync(failed.Tenant, failed.Client, 1_000_000);
        Assert.Equal("failed", (await SnapshotAsync(factory, failed.InvoiceId)).Status);
        var applied = await HttpAssert.JsonAsync(await ApplyAsync(failed.Client, failedTenantPayment, failed.InvoiceId), HttpStatusCode.OK);
        Assert.Equal(("fully_paid", 1_000_000L, 0L), InvoiceAmounts(applied.GetProperty("invoice")));
    }

    [Fact]
    public async Task More_than_the_invoice_owes_is_an_overpayment_of_the_excess()
    {
        var (tenant, client) = await TenantAsync();
        var (_, paymentId) = await StrandAsync(tenant, client, 1_000_000);
        var targetId = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.Body()); // 337,000
        await HttpAssert.JsonAsync(await client.PostAsJsonAsync($"/invoices/{targetId}/payments",
            new { amount = 37_000, currency_code = "IDR", reference = "PART-" + Guid.NewGuid().ToString("N"), rail = "bank_transfer" }), HttpStatusCode.Created);

        var applied = await HttpAssert.JsonAsync(await ApplyAsync(client, paymentId, targetId), HttpStatusCode.OK);

        Assert.Equal(("fully_paid", 1_037_000L, 700_000L), InvoiceAmounts(applied.GetProperty("invoice")));
        var discrepancy = Assert.Single(await DiscrepanciesAsync(factory, targetId));
        Assert.Equal(("overpayment", 300_000L, 1_000_000L, (long?)700_000, (Guid?)paymentId),
            (discrepancy.Kind, discrepancy.Expected, discrepancy.Received, discrepancy.Difference, discrepancy.PaymentId));
        await AssertInvariantsHoldAsync(targetId);
    }

    [Fact]
    public async Task Refusals_have_stable_codes()
    {
        var (tenant, client) = await TenantAsync();
        var (_, paymentId) = await StrandAsync(tenant, client, 1_000_000);
        var targetId = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.OneMillionRupiah());

        Assert.Equal("payment_not_found", (await HttpAssert.Problem.ReadAsync(await ApplyAsync(client, Guid.NewGuid(), targetId), HttpStatusCode.NotFound)).Code);
        Assert.Equal("invoice_not_found", (await HttpAssert.Problem.ReadAsync(await ApplyAsync(client, paymentId, Guid.NewGuid()), HttpStatusCode.NotFound)).Code);
        Assert.Equal("invalid_invoice_id", (await HttpAssert.Problem.ReadAsync(
            await client.PostAsJsonAsync($"/payments/{paymentId}/apply", new { }), HttpStatusCode.BadRequest)).Code);
        Assert.Equal("malformed_json", (await HttpAssert.Problem.ReadAsync(
            await client.PostAsJsonAsync($"/payments/{paymentId}/apply", new { invoice_id = "not-a-guid" }), HttpStatusCode.BadRequest)).Code);
        Assert.Equal("validation_failed", (await HttpAssert.Problem.ReadAsync(await client.GetAsync("/payments?page_size=101"), HttpStatusCode.BadRequest)).Code);
        Assert.Equal("invalid_request", (await HttpAssert.Problem.ReadAsync(await client.GetAsync("/payments?applied=maybe"), HttpStatusCode.BadRequest)).Code);

        // Money applied where it arrived is not stranded.
        var recorded = await HttpAssert.JsonAsync(await client.PostAsJsonAsync($"/invoices/{targetId}/payments",
            new { amount = 1_000, currency_code = "IDR", reference = "OWN-" + Guid.NewGuid().ToString("N"), rail = "bank_transfer" }), HttpStatusCode.Created);
        var other = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.OneMillionRupiah());
        Assert.Equal("payment_already_applied", (await HttpAssert.Problem.ReadAsync(
            await ApplyAsync(client, recorded.GetProperty("id").GetGuid(), other), HttpStatusCode.Conflict)).Code);
        Assert.Equal(("draft", 0L, 0L), InvoiceAmounts(await InvoiceApi.GetAsync(client, $"/invoices/{other}")));
    }

    [Fact]
    public async Task Tenant_A_can_neither_see_nor_apply_nor_redirect_tenant_B_money()
    {
        var (owner, ownerClient) = await TenantAsync();
        var (intruder, intruderClient) = await TenantAsync();
        var (_, ownerPayment) = await StrandAsync(owner, ownerClient, 1_000_000);
        var (_, intruderPayment) = await StrandAsync(intruder, intruderClient, 1_000_000);
        var ownerInvoice = await InvoiceApi.CreateIdAsync(factory, owner, InvoiceApi.OneMillionRupiah());
        var intruderInvoice = await InvoiceApi.CreateIdAsync(factory, intruder, InvoiceApi.OneMillionRupiah());
        var before = await DatabaseChecksum.OfAsync(factory.Database);

        // The intruder lists only its own money.
        var listed = await ListAsync(intruderClient, "");
        Assert.Equal([intruderPayment], listed.Select(p => p.GetProperty("id").GetGuid()));
        // It cannot take the owner's money into its own invoice, nor apply it to the owner's invoice, nor send its own
        // money into the owner's invoice (which would pay the owner's invoice with money the owner cannot see).
        foreach (var (paymentId, invoiceId, code) in new[]
        {
            (ownerPayment, intruderInvoice, "payment_not_found"),
            (ownerPayment, ownerInvoice, "payment_not_found"),
            (intruderPayment, ownerInvoice, "invoice_not_found"),
        })
        {
            var response = await ApplyAsync(intruderClient, paymentId, invoiceId);
            Assert.Equal(code, (await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.NotFound)).Code);
        }

        Assert.Equal(before, await DatabaseChecksum.OfAsync(factory.Database));
        // The owner's money is still the owner's to apply.
        Assert.Equal(("fully_paid", 1_000_000L, 0L),
            InvoiceAmounts((await HttpAssert.JsonAsync(await ApplyAsync(ownerClient, ownerPayment, ownerInvoice), HttpStatusCode.OK)).GetProperty("invoice")));
        Assert.Equal([intruderPayment], (await ListAsync(intruderClient, "")).Select(p => p.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_first_answer_and_applies_once()
    {
        var (tenant, client) = await TenantAsync();
        var (_, paymentId) = await StrandAsync(tenant, client, 400_000);
        var targetId = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.OneMillionRupiah());
        var key = "apply-" + Guid.NewGuid().ToString("N");

        var first = await ApplyAsync(client, paymentId, targetId, key);
        var firstBody = await first.Content.ReadAsStringAsync();
        var repeat = await ApplyAsync(client, paymentId, targetId, key);
        var reused = await ApplyAsync(client, paymentId, await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.OneMillionRupiah()), key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal("true", Assert.Single(repeat.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(firstBody, await repeat.Content.ReadAsStringAsync());
        Assert.Equal("idempotency_key_reused", (await HttpAssert.Problem.ReadAsync(reused, HttpStatusCode.UnprocessableEntity)).Code);
        Assert.Equal(("partially_paid", 400_000L, 0L), InvoiceAmounts(await InvoiceApi.GetAsync(client, $"/invoices/{targetId}")));
    }

    [Fact]
    public async Task The_list_is_paged_newest_first()
    {
        var (tenant, client) = await TenantAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await StrandAsync(tenant, client, 1_000 + i)).PaymentId);
            factory.Clock.Advance(Duration.FromSeconds(1));
        }

        var first = await InvoiceApi.GetAsync(client, "/payments?applied=false&page=1&page_size=2");
        var second = await InvoiceApi.GetAsync(client, "/payments?applied=false&page=2&page_size=2");

        Assert.Equal([ids[2], ids[1]], first.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
        Assert.Equal([ids[0]], second.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
        var pagination = first.GetProperty("pagination");
        Assert.Equal((1, 2, 3L, 2L), (pagination.GetProperty("page").GetInt32(), pagination.GetProperty("page_size").GetInt32(),
            pagination.GetProperty("total_count").GetInt64(), pagination.GetProperty("total_pages").GetInt64()));
    }

    private async Task<(TestTenant Tenant, HttpClient Client)> TenantAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        return (tenant, factory.TenantClient(tenant.ApiKey));
    }

    /// <summary>An invoice of the tenant with a sandbox attempt, cancelled, then paid at the gateway: money recorded, not applied.</summary>
    private async Task<(Guid InvoiceId, Guid PaymentId)> StrandAsync(TestTenant tenant, HttpClient client, long amount)
    {
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.OneMillionRupiah());
        var reference = (await PaymentApi.TakeAttemptAsync(client, invoiceId)).GetProperty("reference").GetString()!;
        await HttpAssert.JsonAsync(await client.PostAsync($"/invoices/{invoiceId}/cancel", null), HttpStatusCode.OK);
        using var gateway = factory.CreateClient();
        Assert.Equal(("processed", "recorded_not_applied"), await ReceiptAsync(await PostSandboxAsync(gateway, SandboxPaid(reference, amount, Now), Now)));
        await using var connection = await factory.Database.OpenAsync();
        return (invoiceId, await connection.ExecuteScalarAsync<Guid>("SELECT id FROM payments WHERE invoice_id = @Id AND NOT applied", new { Id = invoiceId }));
    }

    private static Task<HttpResponseMessage> ApplyAsync(HttpClient client, Guid paymentId, Guid invoiceId, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/payments/{paymentId}/apply") { Content = JsonContent.Create(new { invoice_id = invoiceId }) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return client.SendAsync(request);
    }

    private static async Task<IReadOnlyList<JsonElement>> ListAsync(HttpClient client, string query) =>
        (await InvoiceApi.GetAsync(client, "/payments" + query)).GetProperty("data").EnumerateArray().ToList();

    private static (Guid Id, Guid InvoiceId, bool Applied, string? Reason, long Amount, string? Currency) Summary(JsonElement payment) => (
        payment.GetProperty("id").GetGuid(), payment.GetProperty("invoice_id").GetGuid(), payment.GetProperty("applied").GetBoolean(),
        payment.GetProperty("unapplied_reason").GetString(), payment.GetProperty("amount").GetInt64(), payment.GetProperty("currency_code").GetString());

    private static (string Status, long AmountPaid, long Overpayment) InvoiceAmounts(JsonElement invoice) => (
        invoice.GetProperty("status").GetString()!, invoice.GetProperty("amount_paid").GetInt64(), invoice.GetProperty("overpayment_amount").GetInt64());

    /// <summary>Eight clients of the tenant, released at once, each applying the payment to its invoice.</summary>
    private async Task<HttpResponseMessage[]> RaceAsync(TestTenant tenant, Guid[] targets, Guid paymentId)
    {
        var clients = targets.Select(_ => factory.TenantClient(tenant.ApiKey)).ToArray();
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var racing = clients.Select((c, i) => Task.Run(async () =>
            {
                await start.Task;
                return await ApplyAsync(c, paymentId, targets[i]);
            })).ToArray();
            start.SetResult();
            return await Task.WhenAll(racing);
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }
        }
    }

    /// <summary>Exactly one 200; every other answer is 409 payment_already_applied. Returns the winner's body.</summary>
    private static async Task<JsonElement> AssertOneWinnerAsync(HttpResponseMessage[] responses)
    {
        var statuses = responses.Select(r => (int)r.StatusCode).GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(statuses.GetValueOrDefault(200) == 1 && statuses.GetValueOrDefault(409) == responses.Length - 1,
            "statuses: " + string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}")));
        foreach (var loser in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.Equal("payment_already_applied", (await HttpAssert.Problem.ReadAsync(loser, HttpStatusCode.Conflict)).Code);
        }

        return await HttpAssert.JsonAsync(responses.Single(r => r.StatusCode == HttpStatusCode.OK), HttpStatusCode.OK);
    }

    /// <summary>The reconciliation worker's money-invariant check finds nothing wrong with these invoices.</summary>
    private async Task AssertInvariantsHoldAsync(params Guid[] invoiceIds)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var violations = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new CheckInvariants(null));
        Assert.DoesNotContain(violations, v => invoiceIds.Contains(v.InvoiceId));
    }
}
