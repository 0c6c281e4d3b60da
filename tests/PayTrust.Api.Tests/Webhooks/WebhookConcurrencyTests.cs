using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using PayTrust.Api.Tests.Invoices;
using PayTrust.Application.Features.Sandbox;
using static PayTrust.Api.Tests.Webhooks.WebhookApi;

namespace PayTrust.Api.Tests.Webhooks;

/// <summary>Racing deliveries (spec §7.4 step 2, §7.2): one event many times, and many events for one invoice at once.</summary>
public class WebhookConcurrencyTests(WebhookApiFactory factory) : IClassFixture<WebhookApiFactory>
{
    private const int Connections = 32;

    [Fact]
    public async Task A_thousand_copies_of_one_webhook_on_32_connections_make_exactly_one_payment()
    {
        var setup = await AttemptAsync(factory);
        var body = SandboxWebhookJson.Serialize(SandboxPaid(setup.Reference, setup.Amount, Now));
        var signature = Sign(body, Now);

        var answers = await RaceAsync(Enumerable.Repeat(body, 1_000).ToList(), _ => (SandboxWebhookSignature.HeaderName, signature));

        Assert.All(answers, answer => Assert.True(answer.Status == HttpStatusCode.OK, $"{(int)answer.Status}: {answer.Body}"));
        var statuses = answers.Select(answer => JsonDocument.Parse(answer.Body).RootElement.GetProperty("status").GetString()).ToList();
        Assert.Equal(1, statuses.Count(status => status == "processed"));
        Assert.Equal(999, statuses.Count(status => status == "duplicate"));
        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal(("fully_paid", 1_000_000L, 1L), (after.Status, after.AmountPaid, after.Payments));
        Assert.Single(await EventsAsync(setup.Client, "payment.succeeded"));
        Assert.Single(await EventsAsync(setup.Client, "invoice.paid"));
        Assert.Equal(1, await CountAsync(factory, "SELECT COUNT(*) FROM webhook_events WHERE invoice_id = @Id", new { Id = setup.InvoiceId }));
    }

    [Fact]
    public async Task A_thousand_copies_of_one_xendit_callback_on_32_connections_make_exactly_one_payment()
    {
        var setup = await AttemptAsync(factory, "xendit");
        var body = XenditBody(factory.Xendit.InvoiceFor(setup.Reference).Id, setup.Reference, "PAID", setup.Amount);

        var answers = await RaceAsync(Enumerable.Repeat(body, 1_000).ToList(), _ => ("x-callback-token", Payments.StandInApiFactory.XenditCallbackToken), "xendit");

        await AssertOnePaymentAsync(setup, answers);
    }

    [Fact]
    public async Task A_thousand_copies_of_one_midtrans_notification_on_32_connections_make_exactly_one_payment()
    {
        var setup = await AttemptAsync(factory, "midtrans");
        var notification = Midtrans(Payments.StandInApiFactory.MidtransServerKey, setup.Reference, Guid.NewGuid().ToString(), "settlement", "200", setup.Amount);
        var body = System.Text.Encoding.UTF8.GetBytes(notification.ToJsonString());

        // Midtrans' notifications carry their signature in the body: no header.
        var answers = await RaceAsync(Enumerable.Repeat(body, 1_000).ToList(), _ => ("X-Unused", "-"), "midtrans");

        await AssertOnePaymentAsync(setup, answers);
    }

    private async Task AssertOnePaymentAsync(Setup setup, IReadOnlyList<(HttpStatusCode Status, string Body)> answers)
    {
        Assert.All(answers, answer => Assert.True(answer.Status == HttpStatusCode.OK, $"{(int)answer.Status}: {answer.Body}"));
        var statuses = answers.Select(answer => JsonDocument.Parse(answer.Body).RootElement.GetProperty("status").GetString()).ToList();
        Assert.Equal(1, statuses.Count(status => status == "processed"));
        Assert.Equal(999, statuses.Count(status => status == "duplicate"));
        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal(("fully_paid", setup.Amount, 1L), (after.Status, after.AmountPaid, after.Payments));
        Assert.Single(await EventsAsync(setup.Client, "payment.succeeded"));
        Assert.Equal(1, await CountAsync(factory, "SELECT COUNT(*) FROM webhook_events WHERE invoice_id = @Id", new { Id = setup.InvoiceId }));
    }

    [Fact]
    public async Task Sixty_four_distinct_settlements_of_one_attempt_racing_apply_exactly_one_and_record_the_rest_as_discrepancies()
    {
        // IDR 98,020 + 1 % fee (980) + 1,000 = 100,000.
        var body = InvoiceApi.Body();
        body["line_items"] = new System.Text.Json.Nodes.JsonArray(InvoiceApi.Line("Ticket", 1, 98_020));
        var setup = await AttemptAsync(factory, body: body);
        Assert.Equal(100_000, setup.Amount);
        // Distinct events, each with its own transaction id: an attempt is paid once, whichever arrives first (§7.4 step 2).
        var bodies = Enumerable.Range(0, 64).Select(_ => SandboxWebhookJson.Serialize(SandboxPaid(setup.Reference, 30_000, Now))).ToList();

        var answers = await RaceAsync(bodies, payment => (SandboxWebhookSignature.HeaderName, Sign(payment, Now)));

        Assert.All(answers, answer => Assert.True(answer.Status == HttpStatusCode.OK, $"{(int)answer.Status}: {answer.Body}"));
        var outcomes = answers.Select(answer => JsonDocument.Parse(answer.Body).RootElement.GetProperty("outcome").GetString()).ToList();
        Assert.Equal(1, outcomes.Count(outcome => outcome == "applied"));
        Assert.Equal(63, outcomes.Count(outcome => outcome == "duplicate_settlement"));
        var after = await SnapshotAsync(factory, setup.InvoiceId);
        Assert.Equal(("partially_paid", 30_000L, 0L, 1L), (after.Status, after.AmountPaid, after.Overpayment, after.Payments));
        Assert.Single(await EventsAsync(setup.Client, "payment.succeeded"));
        var discrepancies = await DiscrepanciesAsync(factory, setup.InvoiceId);
        Assert.Equal([-70_000L], discrepancies.Where(d => d.Kind == "underpayment").Select(d => d.Difference ?? 0));
        Assert.Equal(63, discrepancies.Count(d => d.Kind == "duplicate_settlement"));
        Assert.Equal(64, await CountAsync(factory, "SELECT COUNT(*) FROM webhook_events WHERE invoice_id = @Id", new { Id = setup.InvoiceId }));
    }

    /// <summary>Every body posted once, by <see cref="Connections"/> clients in parallel; each answer's status and body.</summary>
    private async Task<IReadOnlyList<(HttpStatusCode Status, string Body)>> RaceAsync(
        List<byte[]> bodies, Func<byte[], (string, string)> header, string gateway = "sandbox")
    {
        var queue = new ConcurrentQueue<byte[]>(bodies);
        var answers = new ConcurrentBag<(HttpStatusCode, string)>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Enumerable.Range(0, Connections).Select(_ => Task.Run(async () =>
        {
            using var client = factory.CreateClient();
            await start.Task;
            while (queue.TryDequeue(out var body))
            {
                using var response = await PostRawAsync(client, gateway, body, header(body));
                answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(workers);
        Assert.Equal(bodies.Count, answers.Count);
        return answers.ToList();
    }

    private NodaTime.Instant Now => factory.Clock.GetCurrentInstant();
}
