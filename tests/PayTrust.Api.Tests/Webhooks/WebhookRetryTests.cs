using System.Net;
using MySqlConnector;
using NodaTime;
using NodaTime.Testing;
using PayTrust.Testing;
using Serilog.Events;
using static PayTrust.Api.Tests.Webhooks.WebhookApi;

namespace PayTrust.Api.Tests.Webhooks;

/// <summary>
/// Transient failures and PayTrust's durable retries (spec §7.4 step 5). The failure is a real one: another
/// connection holds the invoice's row lock, so every processing attempt's lock wait (shortened to 1 s here) runs
/// out, the transaction behaviour's three whole-transaction tries are spent, and the webhook answers 503.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class WebhookRetryTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private readonly FakeClock _clock = WebhookApiFactory.NewClock();
    private WebhookApiFactory _app = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = await StartAsync();
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)_app).DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_locked_invoice_is_503_then_the_stored_event_is_applied_once_by_the_first_retry()
    {
        var setup = await AttemptAsync(_app);
        var webhook = SandboxPaid(setup.Reference, setup.Amount, Now);
        var firstFailure = Now;
        using var gateway = _app.CreateClient();
        EventRow stored;
        await using (await HoldInvoiceLockAsync(setup.InvoiceId))
        {
            var response = await PostSandboxAsync(gateway, webhook, Now);

            Assert.Equal("database_unavailable", (await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.ServiceUnavailable)).Code);
            stored = Assert.Single(await WebhookEventsAsync(_app, "invoice_id = @Id", new { Id = setup.InvoiceId }));
            Assert.Equal(("retrying", 0), (stored.Status, stored.RetryCount));
            Assert.Equal(firstFailure.ToDateTimeUtc(), stored.FirstFailedAt);
            Assert.Equal((firstFailure + Duration.FromMinutes(1)).ToDateTimeUtc(), stored.NextRetryAt);
            Assert.Equal([(0L, "failed")], await RetryLogAsync(stored.Id));
            Assert.Equal(("pending", 0L, 0L), Money(await SnapshotAsync(_app, setup.InvoiceId)));

            // The gateway's own retry of the same event, while PayTrust's is pending: stored already, so a duplicate.
            Assert.Equal(("duplicate", null), await ReceiptAsync(await PostSandboxAsync(gateway, webhook, Now)));
            // Not due yet: a pass leaves it alone.
            _clock.Advance(Duration.FromSeconds(59));
            Assert.Equal(0, await RunRetryPassAsync(_app));
        }

        _clock.Reset(firstFailure + Duration.FromMinutes(1));
        Assert.Equal(1, await RunRetryPassAsync(_app));

        var after = await WebhookEventAsync(_app, stored.Id);
        Assert.Equal(("processed", "applied"), (after.Status, after.Outcome));
        Assert.Equal(("fully_paid", 1_000_000L, 1L), Money(await SnapshotAsync(_app, setup.InvoiceId)));
        Assert.Equal([(0L, "failed"), (1L, "succeeded")], await RetryLogAsync(stored.Id));
        Assert.Equal(("duplicate", null), await ReceiptAsync(await PostSandboxAsync(gateway, webhook, Now)));
        Assert.Equal(0, await RunRetryPassAsync(_app));
        Assert.Equal(1L, Money(await SnapshotAsync(_app, setup.InvoiceId)).Payments);
        Assert.Single(await EventsAsync(setup.Client, "payment.succeeded"));
    }

    [Fact]
    public async Task Retries_run_at_1_6_and_36_minutes_then_the_event_fails_for_good_and_a_replay_applies_it()
    {
        var setup = await AttemptAsync(_app);
        var other = await _app.CreateTenantAsync();
        using var otherClient = _app.TenantClient(other.ApiKey);
        using var admin = _app.AdminClient();
        using var gateway = _app.CreateClient();
        var firstFailure = Now;
        EventRow stored;
        await using (await HoldInvoiceLockAsync(setup.InvoiceId))
        {
            await HttpAssert.Problem.ReadAsync(await PostSandboxAsync(gateway, SandboxPaid(setup.Reference, setup.Amount, Now), Now), HttpStatusCode.ServiceUnavailable);
            stored = Assert.Single(await WebhookEventsAsync(_app, "invoice_id = @Id", new { Id = setup.InvoiceId }));

            foreach (var (retry, minutes, next) in new (int, int, int?)[] { (1, 1, 6), (2, 6, 36), (3, 36, null) })
            {
                _clock.Reset(firstFailure + Duration.FromMinutes(minutes));
                Assert.Equal(1, await RunRetryPassAsync(_app));
                var row = await WebhookEventAsync(_app, stored.Id);
                Assert.Equal((next is null ? "failed" : "retrying", retry), (row.Status, row.RetryCount));
                Assert.Equal(next is { } due ? (firstFailure + Duration.FromMinutes(due)).ToDateTimeUtc() : null, row.NextRetryAt);
                Assert.Equal(firstFailure.ToDateTimeUtc(), row.FirstFailedAt);
            }

            Assert.Equal([(0L, "failed"), (1L, "failed"), (2L, "failed"), (3L, "gave_up")], await RetryLogAsync(stored.Id));
            _clock.Advance(Duration.FromHours(1));
            Assert.Equal(0, await RunRetryPassAsync(_app));
        }

        Assert.Contains(_app.Logs, log => log.Level == LogEventLevel.Fatal
            && log.Properties.TryGetValue("EventId", out var id) && id.ToString().Contains(stored.Id.ToString(), StringComparison.Ordinal));
        var failedEvent = Assert.Single(await EventsAsync(setup.Client, "webhook.failed"));
        Assert.Equal(stored.Id, failedEvent.GetProperty("subject_id").GetGuid());
        Assert.Equal(("pending", 0L, 0L), Money(await SnapshotAsync(_app, setup.InvoiceId)));

        // Who sees it: the tenant and the administrator; the administrator also sees what matched no tenant.
        await HttpAssert.Problem.ReadAsync(await PostSandboxAsync(gateway, SandboxPaid("PTNOBODY-001", 5, Now), Now), HttpStatusCode.NotFound);
        var unknown = Assert.Single(await WebhookEventsAsync(_app, "reference = 'PTNOBODY-001'", new { })).Id;
        var tenantList = await FailedListAsync(setup.Client);
        Assert.Equal([(stored.Id, "failed")], tenantList);
        Assert.Empty(await FailedListAsync(otherClient));
        var adminList = await FailedListAsync(admin);
        Assert.Contains((stored.Id, "failed"), adminList);
        Assert.Contains((unknown, "rejected"), adminList);

        // Another tenant cannot replay it; once the cause is gone, its owner can.
        Assert.Equal(HttpStatusCode.NotFound, (await otherClient.PostAsync($"/webhooks/events/{stored.Id}/replay", null)).StatusCode);
        Assert.Equal(("pending", 0L, 0L), Money(await SnapshotAsync(_app, setup.InvoiceId)));
        var replayed = await HttpAssert.JsonAsync(await setup.Client.PostAsync($"/webhooks/events/{stored.Id}/replay", null), HttpStatusCode.OK);
        Assert.Equal(("processed", "applied"), (replayed.GetProperty("status").GetString(), replayed.GetProperty("outcome").GetString()));
        var paid = await SnapshotAsync(_app, setup.InvoiceId);
        Assert.Equal(("fully_paid", 1_000_000L, 1L), Money(paid));

        // Replaying what is applied changes nothing.
        var again = await HttpAssert.JsonAsync(await setup.Client.PostAsync($"/webhooks/events/{stored.Id}/replay", null), HttpStatusCode.OK);
        Assert.Equal("processed", again.GetProperty("status").GetString());
        Assert.Equal(paid, await SnapshotAsync(_app, setup.InvoiceId));
        Assert.Empty(await FailedListAsync(setup.Client));
    }

    [Fact]
    public async Task A_restart_loses_nothing_the_next_instance_applies_the_stored_event()
    {
        var setup = await StoreARetryingSandboxEventAndRestartAsync();

        Assert.Equal(1, await RunRetryPassAsync(_app));

        Assert.Equal(("fully_paid", 1_000_000L, 1L), Money(await SnapshotAsync(_app, setup.InvoiceId)));
        var stored = Assert.Single(await WebhookEventsAsync(_app, "invoice_id = @Id", new { Id = setup.InvoiceId }));
        Assert.Equal(("processed", "applied"), (stored.Status, stored.Outcome));
    }

    [Fact]
    public async Task A_stored_sandbox_event_is_rejected_not_applied_once_the_sandbox_is_switched_off()
    {
        var setup = await StoreARetryingSandboxEventAndRestartAsync(
            new Dictionary<string, string?> { ["PayTrust:Sandbox:Enabled"] = "false", ["PayTrust:DefaultGateway"] = "xendit" });

        Assert.Equal(1, await RunRetryPassAsync(_app));

        Assert.Equal(("pending", 0L, 0L), Money(await SnapshotAsync(_app, setup.InvoiceId)));
        var stored = Assert.Single(await WebhookEventsAsync(_app, "invoice_id = @Id", new { Id = setup.InvoiceId }));
        Assert.Equal(("rejected", "sandbox_disabled"), (stored.Status, stored.Outcome));
        Assert.Equal([(0L, "failed"), (1L, "rejected")], await RetryLogAsync(stored.Id));
        Assert.Equal(0, await RunRetryPassAsync(_app));
    }

    private Instant Now => _clock.GetCurrentInstant();

    /// <summary>
    /// A sandbox payment webhook that failed for a held invoice lock (stored, retrying), then a restart two minutes later
    /// with these settings; the retry is due.
    /// </summary>
    private async Task<Setup> StoreARetryingSandboxEventAndRestartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var setup = await AttemptAsync(_app);
        var firstFailure = Now;
        using (var gateway = _app.CreateClient())
        await using (await HoldInvoiceLockAsync(setup.InvoiceId))
        {
            await HttpAssert.Problem.ReadAsync(await PostSandboxAsync(gateway, SandboxPaid(setup.Reference, setup.Amount, Now), Now), HttpStatusCode.ServiceUnavailable);
        }

        setup.Client.Dispose();
        await ((IAsyncLifetime)_app).DisposeAsync();
        _clock.Reset(firstFailure + Duration.FromMinutes(2));
        _app = await StartAsync(settings);
        return setup;
    }

    private async Task<WebhookApiFactory> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var app = new WebhookApiFactory(_database, ownsDatabase: false, _clock, lockWaitSeconds: 1, settings);
        await app.InitializeAsync();
        return app;
    }

    private static (string Status, long AmountPaid, long Payments) Money(Snapshot snapshot) => (snapshot.Status, snapshot.AmountPaid, snapshot.Payments);

    /// <summary>BEGIN; SELECT … FOR UPDATE on the invoice from a connection of the test's own, until disposed (rolled back).</summary>
    private async Task<IAsyncDisposable> HoldInvoiceLockAsync(Guid invoiceId)
    {
        var connection = await _database.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var command = new MySqlCommand("SELECT id FROM invoices WHERE id = @Id FOR UPDATE", connection, transaction))
        {
            command.Parameters.AddWithValue("@Id", invoiceId.ToString());
            Assert.NotNull(await command.ExecuteScalarAsync());
        }

        return new Held(connection, transaction);
    }

    private async Task<IReadOnlyList<(long Attempt, string Outcome)>> RetryLogAsync(Guid eventId)
    {
        await using var connection = await _database.OpenAsync();
        return (await Dapper.SqlMapper.QueryAsync<(long, string)>(connection,
            "SELECT CAST(attempt_number AS SIGNED), outcome FROM webhook_retry_log WHERE event_id = @Id ORDER BY attempt_number, id", new { Id = eventId })).ToList();
    }

    private static async Task<IReadOnlyList<(Guid Id, string Status)>> FailedListAsync(HttpClient client)
    {
        var page = await HttpAssert.JsonAsync(await client.GetAsync("/webhooks/failed?page_size=100"), HttpStatusCode.OK);
        return page.GetProperty("data").EnumerateArray().Select(item => (item.GetProperty("id").GetGuid(), item.GetProperty("status").GetString()!)).ToList();
    }

    private sealed class Held(MySqlConnection connection, MySqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
