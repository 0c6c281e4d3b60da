using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json;
using Dapper;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using PayTrust.Api.Tests.Invoices;
using PayTrust.Application.Features.Reconciliation;
using Serilog.Events;

namespace PayTrust.Api.Tests.Payments;

/// <summary>The API with the gateway stand-ins, a hand-moved clock and every log event kept; the worker stays off and tests run passes themselves.</summary>
public sealed class ReconciliationApiFactory : StandInApiFactory
{
    /// <summary>Starts at a whole second of the real time, so stored times (microseconds) compare exactly and the stand-ins' real times stay close.</summary>
    public FakeClock Clock { get; } = new(Instant.FromUnixTimeSeconds(SystemClock.Instance.GetCurrentInstant().ToUnixTimeSeconds()));

    // Long enough for a status query the test holds at the stand-in while a webhook overtakes it.
    protected override IDictionary<string, string?> MoreSettings => new Dictionary<string, string?> { ["PayTrust:Gateways:TimeoutSeconds"] = "15" };

    protected override void ConfigureMoreServices(IServiceCollection services) => services.AddSingleton<IClock>(Clock);
}

/// <summary>
/// Reconciliation (spec §7.7): pending attempts asked about at the gateway and applied through the webhook's path,
/// so a webhook and a status answer about one payment apply it once, in either order; claims shared between
/// instances; growing intervals; and the money invariant checker.
/// </summary>
public class ReconciliationTests(ReconciliationApiFactory factory) : IClassFixture<ReconciliationApiFactory>
{
    private static readonly Duration PendingAfter = Duration.FromMinutes(5);

    [Fact]
    public async Task A_paid_xendit_attempt_pending_for_five_minutes_is_applied_and_a_later_webhook_applies_nothing()
    {
        var (client, invoiceId, reference, xenditId, amount) = await XenditAttemptAsync();
        factory.Xendit.MarkPaid(xenditId);

        // Not yet pending for five minutes: not asked about.
        Assert.DoesNotContain(await PassAsync(), checkedAttempt => checkedAttempt.Reference == reference);
        Assert.Equal(0, factory.Xendit.QueryCount(xenditId));

        factory.Clock.Advance(Duration.FromMinutes(6));
        var result = Assert.Single(await PassAsync(), checkedAttempt => checkedAttempt.Reference == reference);

        Assert.Equal("applied", result.Outcome);
        Assert.Equal(1, factory.Xendit.QueryCount(xenditId));
        Assert.Equal("fully_paid", (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).Status);
        var payment = Assert.Single(await PaymentsAsync(invoiceId));
        Assert.Equal(("reconciliation", xenditId, amount, true), (payment.Source, payment.GatewayTransactionId, payment.Amount, payment.Applied));
        Assert.Equal("succeeded", Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId)).Status);

        var webhook = await PostXenditWebhookAsync(xenditId);

        Assert.Equal("processed", webhook.GetProperty("status").GetString());
        Assert.Equal("already_applied", webhook.GetProperty("outcome").GetString());
        Assert.Single(await PaymentsAsync(invoiceId));
        Assert.Equal(amount, await ScalarAsync<long>("SELECT amount_paid FROM invoices WHERE id = @Id", new { Id = invoiceId }));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT COUNT(*) FROM outbox_events WHERE subject_id = @Id AND type = 'invoice.paid'", new { Id = invoiceId }));
    }

    [Fact]
    public async Task After_the_webhook_applied_a_payment_reconciliation_does_not_ask_about_it()
    {
        var (client, invoiceId, reference, xenditId, _) = await XenditAttemptAsync();
        factory.Xendit.MarkPaid(xenditId);

        var webhook = await PostXenditWebhookAsync(xenditId);
        Assert.Equal("applied", webhook.GetProperty("outcome").GetString());

        factory.Clock.Advance(Duration.FromMinutes(6));
        Assert.DoesNotContain(await PassAsync(), checkedAttempt => checkedAttempt.Reference == reference);

        Assert.Equal(0, factory.Xendit.QueryCount(xenditId));
        Assert.Equal("webhook", Assert.Single(await PaymentsAsync(invoiceId)).Source);
        Assert.Equal("fully_paid", (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).Status);
    }

    [Fact]
    public async Task A_webhook_that_overtakes_a_status_query_in_flight_leaves_reconciliation_nothing_to_apply()
    {
        var (client, invoiceId, reference, xenditId, amount) = await XenditAttemptAsync();
        factory.Xendit.MarkPaid(xenditId);
        factory.Clock.Advance(Duration.FromMinutes(6));

        factory.Xendit.HoldQueriesOf(xenditId);
        Task<IReadOnlyList<ReconciledAttempt>> pass;
        try
        {
            // The pass has claimed the attempt (still pending) and is waiting for Xendit's answer when the webhook arrives.
            pass = PassAsync();
            await WaitUntilAsync(() => factory.Xendit.QueryCount(xenditId) == 1);
            var webhook = await PostXenditWebhookAsync(xenditId);
            Assert.Equal("applied", webhook.GetProperty("outcome").GetString());
        }
        finally
        {
            factory.Xendit.ReleaseQueriesOf(xenditId);
        }

        var result = Assert.Single(await pass, checkedAttempt => checkedAttempt.Reference == reference);

        Assert.Equal("already_applied", result.Outcome);
        Assert.Equal("webhook", Assert.Single(await PaymentsAsync(invoiceId)).Source);
        Assert.Equal(amount, await ScalarAsync<long>("SELECT amount_paid FROM invoices WHERE id = @Id", new { Id = invoiceId }));
    }

    [Fact]
    public async Task A_settled_midtrans_transaction_is_applied_once_by_reconciliation_and_its_notification()
    {
        var (client, invoiceId) = await CreateInvoiceAsync("midtrans");
        var attempt = await PaymentApi.TakeAttemptAsync(client, invoiceId);
        var reference = attempt.GetProperty("reference").GetString()!;
        factory.Midtrans.SetTransactionStatus(reference, "settlement");
        factory.Clock.Advance(Duration.FromMinutes(6));

        var result = Assert.Single(await PassAsync(), checkedAttempt => checkedAttempt.Reference == reference);

        Assert.Equal("applied", result.Outcome);
        var payment = Assert.Single(await PaymentsAsync(invoiceId));
        Assert.Equal(("reconciliation", factory.Midtrans.TransactionFor(reference)!.TransactionId), (payment.Source, payment.GatewayTransactionId));
        Assert.Equal("fully_paid", (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).Status);

        using var anonymous = factory.CreateClient();
        using var content = new StringContent(factory.Midtrans.NotificationBody(reference), Encoding.UTF8, "application/json");
        var webhook = await HttpAssert.JsonAsync(await anonymous.PostAsync("/webhooks/midtrans", content), HttpStatusCode.OK);

        Assert.Equal(("processed", "already_applied"), (webhook.GetProperty("status").GetString(), webhook.GetProperty("outcome").GetString()));
        Assert.Single(await PaymentsAsync(invoiceId));
    }

    [Theory]
    [InlineData("partial_refund", "refund")]
    [InlineData("partial_chargeback", "chargeback")]
    public async Task A_midtrans_payment_money_has_left_since_is_booked_as_both_the_payment_and_the_money_out(string status, string kind)
    {
        var (client, invoiceId) = await CreateInvoiceAsync("midtrans");
        var attempt = await PaymentApi.TakeAttemptAsync(client, invoiceId);
        var reference = attempt.GetProperty("reference").GetString()!;
        factory.Midtrans.SetTransactionStatus(reference, "settlement");
        factory.Midtrans.AddMoneyOut(reference, status, 400_000);
        factory.Clock.Advance(Duration.FromMinutes(6));

        Assert.Equal("applied", Assert.Single(await PassAsync(), checkedAttempt => checkedAttempt.Reference == reference).Outcome);

        var payment = Assert.Single(await PaymentsAsync(invoiceId));
        Assert.Equal(attempt.GetProperty("amount").GetInt64(), payment.Amount);
        Assert.Equal("fully_paid", (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).Status);
        Assert.Equal(kind, await ScalarAsync<string>("SELECT kind FROM refunds WHERE invoice_id = @Id", new { Id = invoiceId }));
        Assert.Equal(400_000L, await ScalarAsync<long>("SELECT SUM(amount) FROM refunds WHERE invoice_id = @Id AND payment_id IS NOT NULL", new { Id = invoiceId }));
        Assert.Equal(400_000L, await ScalarAsync<long>("SELECT amount_refunded FROM invoices WHERE id = @Id", new { Id = invoiceId }));
    }

    [Theory]
    [InlineData("settlement", "deny")]
    [InlineData("settlement", "challenge")]
    [InlineData("on_hold", null)]
    public async Task A_midtrans_status_the_translator_does_not_book_as_paid_applies_nothing(string status, string? fraud)
    {
        var (client, invoiceId) = await CreateInvoiceAsync("midtrans");
        var reference = (await PaymentApi.TakeAttemptAsync(client, invoiceId)).GetProperty("reference").GetString()!;
        factory.Midtrans.SetTransactionStatus(reference, status, fraud);
        factory.Clock.Advance(Duration.FromMinutes(6));

        // The notification path calls the same input malformed: neither books the gross amount.
        Assert.Equal("unexpected_gateway_response", Assert.Single(await PassAsync(), checkedAttempt => checkedAttempt.Reference == reference).Outcome);
        Assert.Empty(await PaymentsAsync(invoiceId));
        Assert.Equal("pending", (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).Status);
    }

    [Fact]
    public async Task A_paid_xendit_invoice_answered_without_paid_amount_is_applied_with_its_amount()
    {
        var (_, invoiceId, reference, xenditId, amount) = await XenditAttemptAsync();
        factory.Xendit.MarkPaid(xenditId);
        factory.Xendit.OmitPaidAmount = true;
        try
        {
            factory.Clock.Advance(Duration.FromMinutes(6));
            Assert.Equal("applied", Assert.Single(await PassAsync(), checkedAttempt => checkedAttempt.Reference == reference).Outcome);
        }
        finally
        {
            factory.Xendit.OmitPaidAmount = false;
        }

        Assert.Equal(amount, Assert.Single(await PaymentsAsync(invoiceId)).Amount);
        Assert.Equal("fully_paid", (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).Status);
    }

    [Fact]
    public async Task A_xendit_invoice_paid_in_another_currency_is_a_currency_mismatch_not_a_payment()
    {
        var (_, invoiceId, reference, xenditId, _) = await XenditAttemptAsync();
        factory.Xendit.ReportCurrency(xenditId, "USD");
        factory.Xendit.MarkPaid(xenditId, paidAmount: 70m);
        factory.Clock.Advance(Duration.FromMinutes(6));

        Assert.Equal("currency_mismatch", Assert.Single(await PassAsync(), checkedAttempt => checkedAttempt.Reference == reference).Outcome);

        Assert.Equal("pending", (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).Status);
        Assert.Equal("currency_mismatch", await ScalarAsync<string>("SELECT kind FROM payment_discrepancies WHERE invoice_id = @Id", new { Id = invoiceId }));
        Assert.Equal("USD", await ScalarAsync<string>("SELECT received_currency_code FROM payment_discrepancies WHERE invoice_id = @Id", new { Id = invoiceId }));
        Assert.Equal(7_000L, await ScalarAsync<long>("SELECT received_amount FROM payment_discrepancies WHERE invoice_id = @Id", new { Id = invoiceId }));
    }

    [Fact]
    public async Task An_expired_xendit_invoice_fails_the_attempt_through_the_same_path()
    {
        var (_, invoiceId, reference, xenditId, _) = await XenditAttemptAsync();
        factory.Xendit.MarkExpired(xenditId);
        factory.Clock.Advance(Duration.FromMinutes(6));

        var result = Assert.Single(await PassAsync(), checkedAttempt => checkedAttempt.Reference == reference);

        Assert.Equal("attempt_failed", result.Outcome);
        var stored = Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        Assert.Equal(("failed", "expired"), (stored.Status, stored.FailureCode));
        Assert.Equal("failed", (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).Status);
        Assert.Empty(await PaymentsAsync(invoiceId));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT COUNT(*) FROM outbox_events WHERE subject_id = @Id AND type = 'payment.failed'", new { stored.Id }));
    }

    [Fact]
    public async Task Two_passes_racing_claim_disjoint_attempts_and_ask_the_gateway_once_per_attempt()
    {
        var gatewayIds = new Dictionary<string, string>();
        for (var i = 0; i < 6; i++)
        {
            var (client, invoiceId) = await CreateInvoiceAsync("xendit");
            var attempt = await PaymentApi.TakeAttemptAsync(client, invoiceId);
            gatewayIds[attempt.GetProperty("reference").GetString()!] = attempt.GetProperty("gateway_reference").GetString()!;
        }

        factory.Clock.Advance(Duration.FromMinutes(6));
        using var start = new ManualResetEventSlim();

        async Task<List<ReconciledAttempt>> RunAsync()
        {
            start.Wait();
            var all = new List<ReconciledAttempt>();
            IReadOnlyList<ReconciledAttempt> batch;
            do
            {
                batch = await PassAsync(limit: 2);
                all.AddRange(batch);
            }
            while (batch.Count > 0);

            return all;
        }

        var first = Task.Run(RunAsync);
        var second = Task.Run(RunAsync);
        start.Set();
        var results = await Task.WhenAll(first, second);

        var mine = results.SelectMany(run => run).Where(checkedAttempt => gatewayIds.ContainsKey(checkedAttempt.Reference)).ToArray();
        Assert.Equal(gatewayIds.Keys.Order(), mine.Select(checkedAttempt => checkedAttempt.Reference).Order());
        Assert.Empty(results[0].Select(r => r.AttemptId).Intersect(results[1].Select(r => r.AttemptId)));
        Assert.All(mine, checkedAttempt => Assert.Equal("pending", checkedAttempt.Outcome));
        Assert.All(gatewayIds.Values, xenditId => Assert.Equal(1, factory.Xendit.QueryCount(xenditId)));
    }

    [Fact]
    public async Task A_pending_answer_pushes_the_next_check_out_by_a_growing_interval()
    {
        var (client, invoiceId, reference, xenditId, _) = await XenditAttemptAsync();

        factory.Clock.Advance(Duration.FromMinutes(6));
        Assert.Equal("pending", Assert.Single(await PassAsync(), r => r.Reference == reference).Outcome);
        Assert.Equal((1, factory.Clock.GetCurrentInstant() + Duration.FromMinutes(5)), await ScheduleAsync(reference));

        factory.Clock.Advance(Duration.FromMinutes(4));
        Assert.DoesNotContain(await PassAsync(), r => r.Reference == reference);
        factory.Clock.Advance(Duration.FromMinutes(1));
        Assert.Single(await PassAsync(), r => r.Reference == reference);
        Assert.Equal((2, factory.Clock.GetCurrentInstant() + Duration.FromMinutes(10)), await ScheduleAsync(reference));

        factory.Clock.Advance(Duration.FromMinutes(9));
        Assert.DoesNotContain(await PassAsync(), r => r.Reference == reference);
        factory.Clock.Advance(Duration.FromMinutes(1));
        Assert.Single(await PassAsync(), r => r.Reference == reference);
        Assert.Equal((3, factory.Clock.GetCurrentInstant() + Duration.FromMinutes(20)), await ScheduleAsync(reference));

        Assert.Equal(3, factory.Xendit.QueryCount(xenditId));
        Assert.Equal("pending", Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId)).Status);
    }

    [Fact]
    public void Intervals_double_from_five_minutes_up_to_six_hours()
    {
        var minutes = Enumerable.Range(0, 10).Select(checks => ReconciliationSchedule.IntervalAfter(checks).TotalMinutes);

        Assert.Equal([5, 10, 20, 40, 80, 160, 320, 360, 360, 360], minutes);
        Assert.Equal(Duration.FromHours(6), ReconciliationSchedule.IntervalAfter(int.MaxValue));
    }

    [Fact]
    public async Task Sandbox_attempts_are_never_claimed()
    {
        var tenant = await factory.CreateTenantAsync();
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.OneMillionRupiah());
        using var client = factory.TenantClient(tenant.ApiKey);
        var reference = (await PaymentApi.TakeAttemptAsync(client, invoiceId)).GetProperty("reference").GetString()!;
        factory.Clock.Advance(Duration.FromMinutes(6));

        Assert.DoesNotContain(await PassAsync(), r => r.Reference == reference);
        Assert.Equal((0, (Instant?)null), await ScheduleAsync(reference));
    }

    [Fact]
    public async Task Corrupted_amounts_are_reported_per_rule_at_critical_and_counted()
    {
        var (client, paidId) = await CreateInvoiceAsync("xendit");
        var attempt = await PaymentApi.TakeAttemptAsync(client, paidId);
        var total = attempt.GetProperty("amount").GetInt64();
        Assert.Equal("applied", (await PostXenditWebhookAsync(attempt.GetProperty("gateway_reference").GetString()!, markPaid: true)).GetProperty("outcome").GetString());
        var tenant = await factory.CreateTenantAsync();
        var draftId = await InvoiceApi.CreateIdAsync(factory, tenant);
        var installmentsId = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.WithInstallments(3));
        using var listener = new ViolationListener();

        await ExecuteAsync("UPDATE invoices SET amount_paid = amount_paid - 1 WHERE id = @Id", new { Id = paidId });
        await ExecuteAsync("UPDATE invoices SET overpayment_amount = 5 WHERE id = @Id", new { Id = draftId });
        await ExecuteAsync("UPDATE invoice_installments SET amount = amount + 1 WHERE invoice_id = @Id AND number = 1", new { Id = installmentsId });
        try
        {
            var violations = await CheckAsync(null);

            Assert.Equal([InvariantRules.AmountPaidSum, InvariantRules.StatusAmounts], RulesOf(violations, paidId));
            Assert.Equal([InvariantRules.Overpayment], RulesOf(violations, draftId));
            Assert.Equal([InvariantRules.InstallmentsSum], RulesOf(violations, installmentsId));
            Assert.Equal(4, violations.Count);
            Assert.Contains($"amount_paid is {total - 1}, applied payments sum to {total}", violations.Single(v => v.Rule == InvariantRules.AmountPaidSum).Detail);
            var critical = factory.Logs.Where(log => log.Level == LogEventLevel.Fatal && log.MessageTemplate.Text.StartsWith("Money invariant", StringComparison.Ordinal)).ToArray();
            Assert.Contains(critical, log => log.Properties["InvoiceId"].ToString() == paidId.ToString() && log.Properties["Rule"].ToString() == "\"amount_paid_sum\"");
            Assert.Equal(2, listener.CountFor(InvariantRules.StatusAmounts) + listener.CountFor(InvariantRules.AmountPaidSum));
            Assert.Equal(1, listener.CountFor(InvariantRules.Overpayment));
            Assert.Equal(1, listener.CountFor(InvariantRules.InstallmentsSum));

            // Only invoices updated since the given time are looked at: the corruption above did not touch updated_at.
            factory.Clock.Advance(Duration.FromMinutes(1));
            Assert.Empty(await CheckAsync(factory.Clock.GetCurrentInstant()));
        }
        finally
        {
            // Put the rows back, so the class's clean-ledger check sees a clean ledger.
            await ExecuteAsync("UPDATE invoices SET amount_paid = amount_paid + 1 WHERE id = @Id", new { Id = paidId });
            await ExecuteAsync("UPDATE invoices SET overpayment_amount = 0 WHERE id = @Id", new { Id = draftId });
            await ExecuteAsync("UPDATE invoice_installments SET amount = amount - 1 WHERE invoice_id = @Id AND number = 1", new { Id = installmentsId });
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(6)]
    public async Task The_check_reads_every_invoice_once_across_pages_ties_and_microseconds_included(int pageSize)
    {
        // Six invoices stamped later than any other of the class, two at each of three instants a microsecond apart,
        // the stamps given against id order: a walk that ignored the id on ties, or lost the microseconds, would skip
        // or repeat some of them at one of these page sizes (short last page, exactly full pages, all in one).
        var tenant = await factory.CreateTenantAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await InvoiceApi.CreateIdAsync(factory, tenant));
        }

        var stamp = Instant.FromUtc(2999, 1, 1, 0, 0);
        var ordered = ids.Order().ToArray();
        for (var i = 0; i < ordered.Length; i++)
        {
            var stampedAt = stamp + Duration.FromTicks((ordered.Length - 1 - i) / 2 * 10);
            await ExecuteAsync("UPDATE invoices SET updated_at = @At, overpayment_amount = 7 WHERE id = @Id", new { At = stampedAt.ToDateTimeUtc(), Id = ordered[i] });
        }

        try
        {
            var violations = await CheckAsync(stamp, pageSize);

            Assert.Equal(ordered, violations.Select(v => v.InvoiceId).Order().ToArray());
            Assert.All(violations, v => Assert.Equal(InvariantRules.Overpayment, v.Rule));
            Assert.Empty(await CheckAsync(stamp + Duration.FromSeconds(1), pageSize));
        }
        finally
        {
            // Clean and back among the class's other invoices, so the next page size sees only its own six.
            await ExecuteAsync("UPDATE invoices SET overpayment_amount = 0, updated_at = @Now WHERE id IN @Ids",
                new { Now = factory.Clock.GetCurrentInstant().ToDateTimeUtc(), Ids = ids });
        }
    }

    [Fact]
    public async Task A_page_size_below_one_is_refused()
    {
        await Assert.ThrowsAsync<FluentValidation.ValidationException>(async () => await CheckAsync(null, 0));
    }

    [Fact]
    public async Task A_ledger_written_by_payments_webhooks_and_reconciliation_breaks_no_invariant()
    {
        var (client, paidId) = await CreateInvoiceAsync("xendit");
        var paidAttempt = await PaymentApi.TakeAttemptAsync(client, paidId);
        var xenditId = paidAttempt.GetProperty("gateway_reference").GetString()!;
        factory.Xendit.MarkPaid(xenditId, paidAmount: paidAttempt.GetProperty("amount").GetInt64() + 200_000m);
        factory.Clock.Advance(Duration.FromMinutes(6));
        await PassAsync();
        var (partClient, partId) = await CreateInvoiceAsync("xendit", InvoiceApi.WithInstallments(2, InvoiceApi.OneMillionRupiah()));
        var partGatewayId = (await PaymentApi.TakeAttemptAsync(partClient, partId)).GetProperty("gateway_reference").GetString()!;
        Assert.Equal("applied", (await PostXenditWebhookAsync(partGatewayId, markPaid: true)).GetProperty("outcome").GetString());
        Assert.Equal("fully_paid", (await PaymentApi.InvoiceStateAsync(factory, paidId)).Status);
        Assert.Equal(200_000L, await ScalarAsync<long>("SELECT overpayment_amount FROM invoices WHERE id = @Id", new { Id = paidId }));
        Assert.Equal("partially_paid", (await PaymentApi.InvoiceStateAsync(factory, partId)).Status);

        // Every invoice of this class's database: whatever the other tests did through the API is consistent too.
        Assert.Empty(await CheckAsync(null));
    }

    private static string[] RulesOf(IReadOnlyList<InvariantViolation> violations, Guid invoiceId) =>
        violations.Where(v => v.InvoiceId == invoiceId).Select(v => v.Rule).Order(StringComparer.Ordinal).ToArray();

    private async Task<IReadOnlyList<ReconciledAttempt>> PassAsync(int limit = 100)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ReconcilePendingAttempts(limit, PendingAfter));
    }

    private async Task<IReadOnlyList<InvariantViolation>> CheckAsync(Instant? since, int pageSize = CheckInvariants.DefaultPageSize)
    {
        // A walk whose cursor stopped moving would never end: fail it instead.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new CheckInvariants(since, pageSize), timeout.Token);
    }

    private async Task<JsonElement> PostXenditWebhookAsync(string xenditId, bool markPaid = false)
    {
        if (markPaid)
        {
            factory.Xendit.MarkPaid(xenditId);
        }

        using var anonymous = factory.CreateClient();
        using var content = new StringContent(factory.Xendit.CallbackBody(xenditId), Encoding.UTF8, "application/json");
        content.Headers.Add("x-callback-token", StandInApiFactory.XenditCallbackToken);
        return await HttpAssert.JsonAsync(await anonymous.PostAsync("/webhooks/xendit", content), HttpStatusCode.OK);
    }

    /// <summary>A tenant's Xendit invoice with one attempt taken: its client, the invoice, the attempt's reference, Xendit's id and the amount.</summary>
    private async Task<(HttpClient Client, Guid InvoiceId, string Reference, string XenditId, long Amount)> XenditAttemptAsync()
    {
        var (client, invoiceId) = await CreateInvoiceAsync("xendit");
        var attempt = await PaymentApi.TakeAttemptAsync(client, invoiceId);
        return (client, invoiceId, attempt.GetProperty("reference").GetString()!, attempt.GetProperty("gateway_reference").GetString()!,
            attempt.GetProperty("amount").GetInt64());
    }

    private async Task<(HttpClient Client, Guid InvoiceId)> CreateInvoiceAsync(string gateway, System.Text.Json.Nodes.JsonObject? body = null)
    {
        var tenant = await factory.CreateTenantAsync();
        await InvoiceApi.SetGatewayCredentialsAsync(factory, tenant, gateway);
        body ??= InvoiceApi.OneMillionRupiah();
        body["gateway"] = gateway;
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant, body);
        return (factory.TenantClient(tenant.ApiKey), invoiceId);
    }

    private async Task<IReadOnlyList<PaymentRow>> PaymentsAsync(Guid invoiceId)
    {
        await using var connection = await factory.Database.OpenAsync();
        return (await connection.QueryAsync<PaymentRow>(
            "SELECT source AS Source, gateway_transaction_id AS GatewayTransactionId, amount AS Amount, applied AS Applied FROM payments WHERE invoice_id = @Id",
            new { Id = invoiceId })).ToArray();
    }

    private async Task<(int Count, Instant? Next)> ScheduleAsync(string reference)
    {
        await using var connection = await factory.Database.OpenAsync();
        var row = await connection.QuerySingleAsync<(int Count, DateTime? Next)>(
            "SELECT reconcile_count, next_reconcile_at FROM payment_attempts WHERE reference = @Reference", new { Reference = reference });
        return (row.Count, row.Next is { } next ? Instant.FromDateTimeUtc(DateTime.SpecifyKind(next, DateTimeKind.Utc)) : null);
    }

    private async Task<T> ScalarAsync<T>(string sql, object parameters)
    {
        await using var connection = await factory.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? throw new InvalidOperationException("no value");
    }

    private Task ExecuteAsync(string sql, object parameters) => PaymentApi.ExecuteAsync(factory, sql, parameters);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private sealed record PaymentRow(string Source, string? GatewayTransactionId, long Amount, bool Applied);

    /// <summary>Counts paytrust.invariant.violations by rule while it lives.</summary>
    private sealed class ViolationListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _counts = new();

        public ViolationListener()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ReconciliationMetrics.MeterName && instrument.Name == ReconciliationMetrics.ViolationsInstrument)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "rule")
                    {
                        _counts.AddOrUpdate((string)tag.Value!, value, (_, sum) => sum + value);
                    }
                }
            });
            _listener.Start();
        }

        public long CountFor(string rule) => _counts.GetValueOrDefault(rule);

        public void Dispose() => _listener.Dispose();
    }
}
