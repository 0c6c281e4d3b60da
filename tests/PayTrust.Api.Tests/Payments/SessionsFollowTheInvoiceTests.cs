using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using PayTrust.Api.Tests.Invoices;
using PayTrust.Application.Features.Reconciliation;
using PayTrust.Application.Features.Sessions;
using PayTrust.Testing.GatewayStandIns;

namespace PayTrust.Api.Tests.Payments;

/// <summary>The stand-ins, a hand-moved clock, workers off (tests run reconciliation and the session sweep themselves).</summary>
public sealed class SessionsApiFactory : StandInApiFactory
{
    /// <summary>Starts at a whole second of the real time, so stored times compare exactly and the stand-ins' real times stay close.</summary>
    public FakeClock Clock { get; } = new(Instant.FromUnixTimeSeconds(SystemClock.Instance.GetCurrentInstant().ToUnixTimeSeconds()));

    // Long enough for a creation the test holds while it changes the invoice, short enough for the timeout case.
    protected override IDictionary<string, string?> MoreSettings => new Dictionary<string, string?> { ["PayTrust:Gateways:TimeoutSeconds"] = "5" };

    protected override void ConfigureMoreServices(IServiceCollection services) => services.AddSingleton<IClock>(Clock);
}

/// <summary>
/// Sessions follow the invoice (spec §7.4 step 9, ADR 31): when what is due changes — a draft revised, installments
/// rescheduled, money from another channel, a cancellation — open sessions for another amount are closed at the gateway
/// that opened them, with their own tenant's credentials; a session is never opened for an amount no longer due; a session
/// whose end passed is closed, not polled for ever; and orphaned sessions are looked up at the gateway and closed, or
/// their money applied once.
/// </summary>
public class SessionsFollowTheInvoiceTests(SessionsApiFactory factory) : IClassFixture<SessionsApiFactory>
{
    [Fact]
    public async Task A_bank_transfer_that_pays_the_invoice_expires_its_open_xendit_session_with_the_tenants_own_key()
    {
        var merchant = await MerchantAsync("xendit");
        var invoiceId = await merchant.InvoiceAsync();
        var attempt = await PaymentApi.TakeAttemptAsync(merchant.Client, invoiceId);
        var xenditId = attempt.GetProperty("gateway_reference").GetString()!;

        var paid = await RecordBankTransferAsync(merchant.Client, invoiceId, attempt.GetProperty("amount").GetInt64());

        Assert.Equal("fully_paid", paid.GetProperty("invoice").GetProperty("status").GetString());
        var expire = Assert.Single(factory.Xendit.Requests, request => request.PathAndQuery == $"/invoices/{xenditId}/expire!");
        Assert.Equal(("POST", GatewayStandIn.BasicAuthorization(merchant.Key)), (expire.Method, expire.Authorization));
        Assert.Equal("EXPIRED", factory.Xendit.InvoiceFor(attempt.GetProperty("reference").GetString()!).Status);
        var stored = Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        Assert.Equal("expired", stored.Status);
        // The gateway confirmed the close: nothing is left for the session sweep.
        Assert.Null(await SweepAtAsync(stored.Id));
    }

    [Fact]
    public async Task A_partial_bank_transfer_closes_the_session_for_the_old_amount_and_the_next_checkout_asks_for_the_rest()
    {
        var merchant = await MerchantAsync("xendit");
        var invoiceId = await merchant.InvoiceAsync();
        var first = await PaymentApi.TakeAttemptAsync(merchant.Client, invoiceId);
        var total = first.GetProperty("amount").GetInt64();

        await RecordBankTransferAsync(merchant.Client, invoiceId, 100_000);
        var second = await PaymentApi.TakeAttemptAsync(merchant.Client, invoiceId);

        Assert.Equal("EXPIRED", factory.Xendit.InvoiceFor(first.GetProperty("reference").GetString()!).Status);
        Assert.Equal(total - 100_000, second.GetProperty("amount").GetInt64());
        Assert.Equal("PENDING", factory.Xendit.InvoiceFor(second.GetProperty("reference").GetString()!).Status);
        Assert.Equal(["expired", "pending"], (await PaymentApi.AttemptsAsync(factory, invoiceId)).Select(a => a.Status));
    }

    [Fact]
    public async Task Gateway_money_that_pays_the_invoice_closes_the_other_session_left_open()
    {
        var merchant = await MerchantAsync("xendit");
        var invoiceId = await merchant.InvoiceAsync();
        var first = await PaymentApi.TakeAttemptAsync(merchant.Client, invoiceId);
        var firstXenditId = first.GetProperty("gateway_reference").GetString()!;
        var total = first.GetProperty("amount").GetInt64();
        // The customer pays the first session; its callback is slow. Meanwhile part arrives by bank transfer, and the
        // first session (no longer for what is due) cannot be closed: Xendit has it paid.
        factory.Xendit.MarkPaid(firstXenditId);
        await RecordBankTransferAsync(merchant.Client, invoiceId, 100_000);
        var second = await PaymentApi.TakeAttemptAsync(merchant.Client, invoiceId);
        var secondXenditId = second.GetProperty("gateway_reference").GetString()!;
        Assert.Equal("PENDING", factory.Xendit.InvoiceFor(second.GetProperty("reference").GetString()!).Status);

        using var anonymous = factory.CreateClient();
        using var content = new StringContent(factory.Xendit.CallbackBody(firstXenditId), System.Text.Encoding.UTF8, "application/json");
        content.Headers.Add("x-callback-token", merchant.CallbackToken);
        var webhook = await HttpAssert.JsonAsync(await anonymous.PostAsync("/webhooks/xendit", content), HttpStatusCode.OK);

        // The first session's money paid the invoice (and more): the second must not stay payable.
        Assert.Equal("applied", webhook.GetProperty("outcome").GetString());
        Assert.Equal("fully_paid", (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).Status);
        var expire = Assert.Single(factory.Xendit.Requests, request => request.PathAndQuery == $"/invoices/{secondXenditId}/expire!");
        Assert.Equal(GatewayStandIn.BasicAuthorization(merchant.Key), expire.Authorization);
        Assert.Equal("EXPIRED", factory.Xendit.InvoiceFor(second.GetProperty("reference").GetString()!).Status);
        Assert.Equal(["succeeded", "expired"], (await PaymentApi.AttemptsAsync(factory, invoiceId)).Select(a => a.Status));
        Assert.Equal(total + 100_000, (await PaymentsAsync(invoiceId)).Sum(payment => payment.Amount));
    }

    [Fact]
    public async Task Cancelling_a_midtrans_invoice_cancels_its_snap_page_with_the_tenants_own_server_key()
    {
        var merchant = await MerchantAsync("midtrans");
        var invoiceId = await merchant.InvoiceAsync();
        var attempt = await PaymentApi.TakeAttemptAsync(merchant.Client, invoiceId);
        var reference = attempt.GetProperty("reference").GetString()!;
        var token = attempt.GetProperty("gateway_reference").GetString()!;

        await HttpAssert.JsonAsync(await merchant.Client.PostAsync($"/invoices/{invoiceId}/cancel", null), HttpStatusCode.OK);

        var cancel = Assert.Single(factory.Midtrans.Requests, request => request.PathAndQuery == $"/snap/v1/transactions/{token}/cancel");
        Assert.Equal(("POST", GatewayStandIn.BasicAuthorization(merchant.Key)), (cancel.Method, cancel.Authorization));
        Assert.NotNull(factory.Midtrans.SnapFor(reference).CanceledAt);
        // The customer can no longer start a payment on the page.
        Assert.Throws<InvalidOperationException>(() => factory.Midtrans.SetTransactionStatus(reference, "pending"));
        var stored = Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        Assert.Equal("expired", stored.Status);
        Assert.Null(await SweepAtAsync(stored.Id));
    }

    [Fact]
    public async Task A_draft_revised_while_its_first_checkout_is_being_opened_gets_no_session_for_the_old_amount()
    {
        var merchant = await MerchantAsync("xendit");
        var invoiceId = await merchant.InvoiceAsync();
        var oldTotal = await TotalAsync(merchant.Client, invoiceId);
        var creationsBefore = factory.Xendit.CreationCount;
        factory.Xendit.HoldCreations();
        HttpResponseMessage taken;
        JsonElement revised;
        try
        {
            var taking = PaymentApi.PostAttemptAsync(merchant.Client, invoiceId);
            await factory.Xendit.WaitForCreationsAsync(creationsBefore + 1, TimeSpan.FromSeconds(10));

            // The invoice is still a draft while its first session is being opened, so the merchant may revise it.
            revised = await HttpAssert.JsonAsync(
                await InvoiceApi.SendJsonAsync(merchant.Client, HttpMethod.Patch, $"/invoices/{invoiceId}", new JsonObject
                {
                    ["line_items"] = new JsonArray(InvoiceApi.Line("Tuition", 1, 500_000)),
                }),
                HttpStatusCode.OK);
            factory.Xendit.ReleaseCreations();
            taken = await taking;
        }
        finally
        {
            factory.Xendit.ReleaseCreations();
        }

        var newTotal = revised.GetProperty("total_amount").GetInt64();
        Assert.NotEqual(oldTotal, newTotal);
        var problem = await HttpAssert.Problem.ReadAsync(taken, HttpStatusCode.Conflict);
        Assert.Equal("invoice_changed", problem.Code);
        // The gateway opened a session for the old amount; it was closed again at once, and nothing was initiated.
        var stale = Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        var staleInvoice = factory.Xendit.InvoiceFor(stale.Reference);
        Assert.Equal((oldTotal, "EXPIRED"), ((long)staleInvoice.Amount, staleInvoice.Status));
        Assert.Equal(("expired", staleInvoice.Id), (stale.Status, stale.GatewayReference));
        Assert.Contains(factory.Xendit.Requests, request => request.Method == "POST" && request.PathAndQuery == $"/invoices/{staleInvoice.Id}/expire!");
        var state = await PaymentApi.InvoiceStateAsync(factory, invoiceId);
        Assert.Equal(("draft", 0), (state.Status, state.Initiated));

        // Taken again, the attempt asks for what is due now.
        var fresh = await PaymentApi.TakeAttemptAsync(merchant.Client, invoiceId);
        Assert.Equal(newTotal, fresh.GetProperty("amount").GetInt64());
        var freshInvoice = factory.Xendit.InvoiceFor(fresh.GetProperty("reference").GetString()!);
        Assert.Equal((newTotal, "PENDING"), ((long)freshInvoice.Amount, freshInvoice.Status));
        Assert.DoesNotContain(factory.Xendit.Invoices, invoice => invoice.ExternalId.StartsWith(stale.Reference[..^4], StringComparison.Ordinal)
            && invoice.Status == "PENDING" && (long)invoice.Amount == oldTotal);
    }

    [Fact]
    public async Task A_payment_link_visited_while_the_draft_is_revised_takes_a_fresh_checkout_for_the_new_amount()
    {
        var merchant = await MerchantAsync("xendit");
        var invoiceId = await merchant.InvoiceAsync();
        var invoice = await InvoiceApi.GetAsync(merchant.Client, $"/invoices/{invoiceId}");
        var path = new Uri(invoice.GetProperty("payment_url").GetString()!).AbsolutePath;
        var creationsBefore = factory.Xendit.CreationCount;
        using var browser = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        factory.Xendit.HoldCreations();
        HttpResponseMessage visit;
        try
        {
            var visiting = browser.GetAsync(path);
            await factory.Xendit.WaitForCreationsAsync(creationsBefore + 1, TimeSpan.FromSeconds(10));
            await HttpAssert.JsonAsync(
                await InvoiceApi.SendJsonAsync(merchant.Client, HttpMethod.Patch, $"/invoices/{invoiceId}", new JsonObject
                {
                    ["line_items"] = new JsonArray(InvoiceApi.Line("Tuition", 1, 500_000)),
                }),
                HttpStatusCode.OK);
            factory.Xendit.ReleaseCreations();
            visit = await visiting;
        }
        finally
        {
            factory.Xendit.ReleaseCreations();
        }

        var newTotal = await TotalAsync(merchant.Client, invoiceId);
        var attempts = await PaymentApi.AttemptsAsync(factory, invoiceId);
        Assert.Equal(["expired", "pending"], attempts.Select(a => a.Status));
        Assert.Equal(newTotal, attempts[1].Amount);
        Assert.Equal(HttpStatusCode.Redirect, visit.StatusCode);
        Assert.Equal(attempts[1].CheckoutUrl, visit.Headers.Location!.ToString());
        Assert.Equal("EXPIRED", factory.Xendit.InvoiceFor(attempts[0].Reference).Status);
        Assert.Equal(creationsBefore + 2, factory.Xendit.CreationCount);
    }

    [Fact]
    public async Task Rescheduling_the_next_installment_closes_its_open_session_and_rescheduling_only_later_ones_does_not()
    {
        var merchant = await MerchantAsync("xendit");
        var invoiceId = await merchant.InvoiceAsync(InvoiceApi.WithInstallments(3, InvoiceApi.OneMillionRupiah()));
        var amounts = await InstallmentAmountsAsync(merchant.Client, invoiceId);
        var first = await PaymentApi.TakeAttemptAsync(merchant.Client, invoiceId);
        Assert.Equal((1, amounts[0]), (first.GetProperty("installment_number").GetInt32(), first.GetProperty("amount").GetInt64()));

        // Only installments 2 and 3 change: the open session still asks for what installment 1 is due.
        await RescheduleAsync(merchant.Client, invoiceId, [amounts[0], amounts[1] + 1_000, amounts[2] - 1_000]);
        Assert.Equal("PENDING", factory.Xendit.InvoiceFor(first.GetProperty("reference").GetString()!).Status);
        Assert.Equal(["pending"], (await PaymentApi.AttemptsAsync(factory, invoiceId)).Select(a => a.Status));

        await RescheduleAsync(merchant.Client, invoiceId, [amounts[0] - 50_000, amounts[1] + 51_000, amounts[2] - 1_000]);

        Assert.Equal("EXPIRED", factory.Xendit.InvoiceFor(first.GetProperty("reference").GetString()!).Status);
        Assert.Equal(["expired"], (await PaymentApi.AttemptsAsync(factory, invoiceId)).Select(a => a.Status));
        var second = await PaymentApi.TakeAttemptAsync(merchant.Client, invoiceId);
        Assert.Equal((1, amounts[0] - 50_000), (second.GetProperty("installment_number").GetInt32(), second.GetProperty("amount").GetInt64()));
    }

    [Fact]
    public async Task One_tenants_payments_and_cancellations_never_close_another_tenants_session_and_each_is_closed_with_its_own_key()
    {
        var alice = await MerchantAsync("xendit");
        var bob = await MerchantAsync("xendit");
        var aliceInvoice = await alice.InvoiceAsync();
        var bobInvoice = await bob.InvoiceAsync();
        var aliceAttempt = await PaymentApi.TakeAttemptAsync(alice.Client, aliceInvoice);
        var bobAttempt = await PaymentApi.TakeAttemptAsync(bob.Client, bobInvoice);
        var bobXenditId = bobAttempt.GetProperty("gateway_reference").GetString()!;

        // Alice reaches for Bob's invoice with her own key: not found, nothing changes.
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Client.PostAsync($"/invoices/{bobInvoice}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Client.PostAsJsonAsync($"/invoices/{bobInvoice}/payments", new
        {
            amount = bobAttempt.GetProperty("amount").GetInt64(), currency_code = "IDR", reference = $"BT-{Guid.NewGuid():N}", rail = "bank_transfer",
        })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await InvoiceApi.SendJsonAsync(alice.Client, HttpMethod.Patch, $"/invoices/{bobInvoice}/installments",
            new JsonObject { ["amounts"] = new JsonArray(1) })).StatusCode);
        // Alice's own invoice is paid by bank transfer: her session closes, with her key; Bob's stays open.
        await RecordBankTransferAsync(alice.Client, aliceInvoice, aliceAttempt.GetProperty("amount").GetInt64());

        Assert.Equal("EXPIRED", factory.Xendit.InvoiceFor(aliceAttempt.GetProperty("reference").GetString()!).Status);
        Assert.Equal("PENDING", factory.Xendit.InvoiceFor(bobAttempt.GetProperty("reference").GetString()!).Status);
        Assert.DoesNotContain(factory.Xendit.Requests, request => request.PathAndQuery.Contains(bobXenditId, StringComparison.Ordinal)
            && request.Method == "POST");
        Assert.Equal("pending", Assert.Single(await PaymentApi.AttemptsAsync(factory, bobInvoice)).Status);

        // Bob cancels: his session closes with his key, never Alice's.
        await HttpAssert.JsonAsync(await bob.Client.PostAsync($"/invoices/{bobInvoice}/cancel", null), HttpStatusCode.OK);
        var bobExpire = Assert.Single(factory.Xendit.Requests, request => request.PathAndQuery == $"/invoices/{bobXenditId}/expire!");
        Assert.Equal(GatewayStandIn.BasicAuthorization(bob.Key), bobExpire.Authorization);
        Assert.Equal("EXPIRED", factory.Xendit.InvoiceFor(bobAttempt.GetProperty("reference").GetString()!).Status);
    }

    [Fact]
    public async Task A_snap_session_for_an_invoice_about_to_expire_is_opened_for_midtrans_minimum_and_the_attempt_ends_when_snap_does()
    {
        var merchant = await MerchantAsync("midtrans");
        var body = InvoiceApi.OneMillionRupiah();
        body["expires_at"] = (factory.Clock.GetCurrentInstant() + Duration.FromHours(1)).ToString();
        var invoiceId = await merchant.InvoiceAsync(body);
        // Two minutes before the invoice expires: Snap takes no less than five.
        factory.Clock.Advance(Duration.FromMinutes(58));

        var attempt = await PaymentApi.TakeAttemptAsync(merchant.Client, invoiceId);

        var expiry = JsonDocument.Parse(factory.Midtrans.SnapFor(attempt.GetProperty("reference").GetString()!).Request.GetRawText()).RootElement.GetProperty("expiry");
        Assert.Equal(("minute", 5L), (expiry.GetProperty("unit").GetString(), expiry.GetProperty("duration").GetInt64()));
        Assert.Equal(factory.Clock.GetCurrentInstant() + Duration.FromMinutes(5),
            Instant.FromDateTimeOffset(attempt.GetProperty("expires_at").GetDateTimeOffset()));
    }

    [Fact]
    public async Task A_snap_session_with_no_transaction_after_its_end_is_closed_by_reconciliation_not_polled_for_ever()
    {
        var merchant = await MerchantAsync("midtrans");
        var invoiceId = await merchant.InvoiceAsync();
        var attempt = await PaymentApi.TakeAttemptAsync(merchant.Client, invoiceId);
        var reference = attempt.GetProperty("reference").GetString()!;
        var endsAt = Instant.FromDateTimeOffset(attempt.GetProperty("expires_at").GetDateTimeOffset());

        // Before its end (and the margin for a lost creation answer), no transaction only means "not paid yet".
        factory.Clock.Reset(endsAt + Duration.FromMinutes(4));
        Assert.Equal("pending", Assert.Single(await ReconcileAsync(), r => r.Reference == reference).Outcome);
        factory.Clock.Reset(endsAt + Duration.FromMinutes(5) + Duration.FromMinutes(6));
        var closed = Assert.Single(await ReconcileAsync(), r => r.Reference == reference);

        Assert.Equal("attempt_failed", closed.Outcome);
        var stored = Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        Assert.Equal(("failed", "expired"), (stored.Status, stored.FailureCode));
        factory.Clock.Advance(Duration.FromDays(1));
        Assert.DoesNotContain(await ReconcileAsync(), r => r.Reference == reference);
    }

    [Fact]
    public async Task A_xendit_creation_that_timed_out_at_the_client_is_found_by_its_reference_and_expired_by_the_sweep()
    {
        var merchant = await MerchantAsync("xendit");
        var invoiceId = await merchant.InvoiceAsync();
        factory.Xendit.CreateButAnswerLate(TimeSpan.FromSeconds(10));

        var problem = await HttpAssert.Problem.ReadAsync(await PaymentApi.PostAttemptAsync(merchant.Client, invoiceId), HttpStatusCode.BadGateway);

        Assert.Equal("gateway_timeout", problem.Body.GetProperty("failure_code").GetString());
        var orphan = Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        Assert.Equal(("failed", "gateway_timeout", null), (orphan.Status, orphan.FailureCode, orphan.GatewayReference));
        var atGateway = factory.Xendit.InvoiceFor(orphan.Reference);
        Assert.Equal("PENDING", atGateway.Status);
        // Not before the gateway has had time to finish what the client gave up on.
        Assert.DoesNotContain(await SweepAsync(), swept => swept.Reference == orphan.Reference);

        factory.Clock.Advance(SessionSweepSchedule.FirstInterval);
        var swept = Assert.Single(await SweepAsync(), s => s.Reference == orphan.Reference);

        Assert.Equal("closed", swept.Outcome);
        Assert.Contains(factory.Xendit.Requests, request => request.Method == "GET" && request.PathAndQuery == $"/v2/invoices?external_id={orphan.Reference}"
            && request.Authorization == GatewayStandIn.BasicAuthorization(merchant.Key));
        var expire = Assert.Single(factory.Xendit.Requests, request => request.PathAndQuery == $"/invoices/{atGateway.Id}/expire!");
        Assert.Equal(GatewayStandIn.BasicAuthorization(merchant.Key), expire.Authorization);
        Assert.Equal("EXPIRED", factory.Xendit.InvoiceFor(orphan.Reference).Status);
        Assert.Null(await SweepAtAsync(orphan.Id));
        factory.Clock.Advance(Duration.FromHours(7));
        Assert.DoesNotContain(await SweepAsync(), s => s.Reference == orphan.Reference);
    }

    [Fact]
    public async Task An_orphaned_session_the_customer_paid_is_applied_exactly_once_by_racing_sweeps_and_the_later_webhook()
    {
        var merchant = await MerchantAsync("xendit");
        var invoiceId = await merchant.InvoiceAsync();
        factory.Xendit.CreateButAnswerLate(TimeSpan.FromSeconds(10));
        await HttpAssert.Problem.ReadAsync(await PaymentApi.PostAttemptAsync(merchant.Client, invoiceId), HttpStatusCode.BadGateway);
        var orphan = Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        var atGateway = factory.Xendit.InvoiceFor(orphan.Reference);
        factory.Xendit.MarkPaid(atGateway.Id);
        factory.Clock.Advance(SessionSweepSchedule.FirstInterval);

        using var start = new ManualResetEventSlim();
        var sweeps = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await SweepAsync();
        })).ToArray();
        start.Set();
        var results = (await Task.WhenAll(sweeps)).SelectMany(pass => pass).Where(swept => swept.Reference == orphan.Reference).ToArray();

        Assert.Equal("applied", Assert.Single(results).Outcome);
        Assert.Equal("fully_paid", (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).Status);
        Assert.Equal("succeeded", Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId)).Status);
        Assert.DoesNotContain(factory.Xendit.Requests, request => request.PathAndQuery == $"/invoices/{atGateway.Id}/expire!");
        // Xendit's callback arrives afterwards: the same payment, not a second one.
        using var anonymous = factory.CreateClient();
        using var content = new StringContent(factory.Xendit.CallbackBody(atGateway.Id), System.Text.Encoding.UTF8, "application/json");
        content.Headers.Add("x-callback-token", merchant.CallbackToken);
        var webhook = await HttpAssert.JsonAsync(await anonymous.PostAsync("/webhooks/xendit", content), HttpStatusCode.OK);
        Assert.Equal("already_applied", webhook.GetProperty("outcome").GetString());
        var payments = await PaymentsAsync(invoiceId);
        Assert.Equal(("reconciliation", atGateway.Id, (long)atGateway.Amount), Assert.Single(payments));
    }

    [Fact]
    public async Task An_attempt_abandoned_while_creating_is_given_up_and_a_session_opened_after_all_is_closed()
    {
        var merchant = await MerchantAsync("xendit");
        var invoiceId = await merchant.InvoiceAsync();
        var creationsBefore = factory.Xendit.CreationCount;
        factory.Xendit.HoldCreations();
        HttpResponseMessage late;
        IReadOnlyList<SweptSession> swept;
        try
        {
            // The process holding the creation looks dead: it has been creating for longer than PaymentAttempt.AbandonedAfter.
            var taking = PaymentApi.PostAttemptAsync(merchant.Client, invoiceId);
            await factory.Xendit.WaitForCreationsAsync(creationsBefore + 1, TimeSpan.FromSeconds(10));
            factory.Clock.Advance(Domain.Payments.PaymentAttempt.AbandonedAfter + Duration.FromSeconds(1));
            swept = await SweepAsync();
            factory.Xendit.ReleaseCreations();
            late = await taking;
        }
        finally
        {
            factory.Xendit.ReleaseCreations();
        }

        var attempt = Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        // The sweep gave the attempt up and found nothing at the gateway yet (the creation was still held there).
        Assert.Equal("nothing_open", Assert.Single(swept, s => s.Reference == attempt.Reference).Outcome);
        // The creation then completed: its recording found the attempt given up and closed the session itself.
        Assert.Equal("payment_in_progress", (await HttpAssert.Problem.ReadAsync(late, HttpStatusCode.Conflict)).Code);
        Assert.Equal(("failed", "internal_error"), (attempt.Status, attempt.FailureCode));
        Assert.Equal("EXPIRED", factory.Xendit.InvoiceFor(attempt.Reference).Status);
        Assert.Equal("draft", (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).Status);
    }

    [Fact]
    public async Task A_close_the_gateway_refused_is_retried_by_the_sweep_until_the_session_is_closed()
    {
        var merchant = await MerchantAsync("xendit");
        var invoiceId = await merchant.InvoiceAsync();
        var attempt = await PaymentApi.TakeAttemptAsync(merchant.Client, invoiceId);
        var reference = attempt.GetProperty("reference").GetString()!;
        factory.Xendit.RespondNext(503, """{"error_code":"SERVER_ERROR","message":"try later"}""");

        // The cancellation stands; the session is still open at Xendit and marked for the sweep.
        await HttpAssert.JsonAsync(await merchant.Client.PostAsync($"/invoices/{invoiceId}/cancel", null), HttpStatusCode.OK);
        var stored = Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        Assert.Equal("expired", stored.Status);
        Assert.Equal("PENDING", factory.Xendit.InvoiceFor(reference).Status);
        Assert.Equal(factory.Clock.GetCurrentInstant() + SessionSweepSchedule.AfterCloseRequested, await SweepAtAsync(stored.Id));

        Assert.DoesNotContain(await SweepAsync(), s => s.Reference == reference);
        factory.Clock.Advance(SessionSweepSchedule.AfterCloseRequested);
        var swept = Assert.Single(await SweepAsync(), s => s.Reference == reference);

        Assert.Equal("closed", swept.Outcome);
        Assert.Equal("EXPIRED", factory.Xendit.InvoiceFor(reference).Status);
        Assert.Null(await SweepAtAsync(stored.Id));
    }

    private static async Task<JsonElement> RecordBankTransferAsync(HttpClient client, Guid invoiceId, long amount) =>
        await HttpAssert.JsonAsync(
            await client.PostAsJsonAsync($"/invoices/{invoiceId}/payments", new
            {
                amount, currency_code = "IDR", reference = $"BT-{Guid.NewGuid():N}", rail = "bank_transfer",
            }),
            HttpStatusCode.Created);

    private static async Task RescheduleAsync(HttpClient client, Guid invoiceId, long[] amounts) =>
        await HttpAssert.JsonAsync(
            await InvoiceApi.SendJsonAsync(client, HttpMethod.Patch, $"/invoices/{invoiceId}/installments",
                new JsonObject { ["amounts"] = new JsonArray(amounts.Select(a => (JsonNode)a).ToArray()) }),
            HttpStatusCode.OK);

    private static async Task<long[]> InstallmentAmountsAsync(HttpClient client, Guid invoiceId) =>
        (await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}/installments")).GetProperty("data").EnumerateArray()
            .Select(installment => installment.GetProperty("amount").GetInt64()).ToArray();

    private static async Task<long> TotalAsync(HttpClient client, Guid invoiceId) =>
        (await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}")).GetProperty("total_amount").GetInt64();

    private async Task<IReadOnlyList<ReconciledAttempt>> ReconcileAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ReconcilePendingAttempts(100, Duration.FromMinutes(5)));
    }

    private async Task<IReadOnlyList<SweptSession>> SweepAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new SweepSessions(100));
    }

    private async Task<Instant?> SweepAtAsync(Guid attemptId)
    {
        await using var connection = await factory.Database.OpenAsync();
        var at = await connection.ExecuteScalarAsync<DateTime?>("SELECT session_sweep_at FROM payment_attempts WHERE id = @Id", new { Id = attemptId });
        return at is { } value ? Instant.FromDateTimeUtc(DateTime.SpecifyKind(value, DateTimeKind.Utc)) : null;
    }

    private async Task<IReadOnlyList<(string Source, string? GatewayTransactionId, long Amount)>> PaymentsAsync(Guid invoiceId)
    {
        await using var connection = await factory.Database.OpenAsync();
        return (await connection.QueryAsync<(string, string?, long)>(
            "SELECT source, gateway_transaction_id, amount FROM payments WHERE invoice_id = @Id", new { Id = invoiceId })).ToArray();
    }

    /// <summary>A tenant with its own gateway account: a key of its own, which the stand-in accepts beside the others.</summary>
    private async Task<Merchant> MerchantAsync(string gateway)
    {
        var tenant = await factory.CreateTenantAsync();
        var key = gateway == "xendit" ? $"xnd_development_{Guid.NewGuid():N}" : $"SB-Mid-server-{Guid.NewGuid():N}";
        var callbackToken = $"callback-{Guid.NewGuid():N}";
        (gateway == "xendit" ? (GatewayStandIn)factory.Xendit : factory.Midtrans).AcceptKey(key);
        var client = factory.TenantClient(tenant.ApiKey);
        object credentials = gateway == "xendit"
            ? new { mode = "sandbox", secret_key = key, callback_token = callbackToken }
            : new { mode = "sandbox", server_key = key };
        await HttpAssert.JsonAsync(await client.PutAsJsonAsync($"/gateways/{gateway}/credentials", credentials), HttpStatusCode.OK);
        return new Merchant(factory, tenant, client, gateway, key, callbackToken);
    }

    private sealed record Merchant(SessionsApiFactory Factory, TestTenant Tenant, HttpClient Client, string Gateway, string Key, string CallbackToken)
    {
        public async Task<Guid> InvoiceAsync(JsonObject? body = null)
        {
            body ??= InvoiceApi.OneMillionRupiah();
            body["gateway"] = Gateway;
            return await InvoiceApi.CreateIdAsync(Factory, Tenant, body);
        }
    }
}
