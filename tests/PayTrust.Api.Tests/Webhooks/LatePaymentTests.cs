using System.Net;
using Dapper;
using NodaTime;
using NodaTime.Testing;
using PayTrust.Api.Tests.Invoices;
using PayTrust.Testing;
using static PayTrust.Api.Tests.Webhooks.WebhookApi;

namespace PayTrust.Api.Tests.Webhooks;

/// <summary>
/// Late money (spec §7.4 step 8): the expiry job does not expire an invoice while one of its attempts is open at the
/// gateway, so a customer who paid just before the invoice's expiry is applied when the gateway's webhook arrives after
/// it; once the attempt has resolved, or the grace (15 minutes by default) after the attempt's own session expiry has
/// passed, the invoice expires. The expiry worker runs for real every 100 ms against a hand-moved clock; a draft invoice
/// with the same expiry shows when it has run past the expiry.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class LatePaymentTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private readonly FakeClock _clock = WebhookApiFactory.NewClock();
    private WebhookApiFactory _app = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new WebhookApiFactory(_database, ownsDatabase: false, _clock, lockWaitSeconds: null, new Dictionary<string, string?>
        {
            ["PayTrust:Workers:ExpiryEnabled"] = "true",
            ["PayTrust:Workers:ExpiryIntervalSeconds"] = "0.1",
        });
        await _app.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)_app).DisposeAsync();
        await _database.DisposeAsync();
    }

    private Instant Now => _clock.GetCurrentInstant();

    [Fact]
    public async Task A_customer_who_paid_20_s_before_expiry_is_applied_when_the_webhook_comes_after_the_expiry_job_ran()
    {
        var (setup, control, attemptExpiresAt) = await AttemptWithControlAsync();
        using var gateway = _app.CreateClient();

        // The customer pays at the gateway 20 s before the invoice expires; the gateway's webhook is delayed.
        _clock.Advance(attemptExpiresAt - Duration.FromSeconds(20) - Now);
        var paid = SandboxPaid(setup.Reference, setup.Amount, Now);
        // The expiry job runs after the expiry: the invoice without an attempt expires, the one with an open attempt waits.
        _clock.Advance(Duration.FromSeconds(80));
        await WaitUntilExpiredAsync(control);
        await Task.Delay(500); // several more runs of the worker
        Assert.Equal("pending", (await SnapshotAsync(_app, setup.InvoiceId)).Status);

        var response = await PostSandboxAsync(gateway, paid, Now);

        Assert.Equal(("processed", "applied"), await ReceiptAsync(response));
        var after = await SnapshotAsync(_app, setup.InvoiceId);
        Assert.Equal(("fully_paid", 1_000_000L, 1L, "succeeded"), (after.Status, after.AmountPaid, after.Payments, after.Attempts));
        Assert.Empty(await DiscrepanciesAsync(_app, setup.InvoiceId));
        Assert.Equal(1, await CountAsync(_app, "SELECT COUNT(*) FROM payments WHERE invoice_id = @Id AND applied", new { Id = setup.InvoiceId }));

        // Past the grace the job finds a paid invoice: it stays paid, and no invoice.expired is raised for it.
        _clock.Advance(Duration.FromMinutes(30));
        var later = await InvoiceApi.CreateIdAsync(_app, setup.Tenant, Expiring(Now + Duration.FromHours(1)));
        _clock.Advance(Duration.FromHours(2));
        await WaitUntilExpiredAsync(later);
        Assert.Equal("fully_paid", (await SnapshotAsync(_app, setup.InvoiceId)).Status);
        Assert.DoesNotContain(await EventsAsync(setup.Client, "invoice.expired"), e => e.GetProperty("subject_id").GetGuid() == setup.InvoiceId);
    }

    [Fact]
    public async Task An_open_attempt_holds_the_expiry_for_the_grace_after_its_session_expiry_and_no_longer()
    {
        var (setup, control, attemptExpiresAt) = await AttemptWithControlAsync();

        // 14 minutes into the 15-minute grace: still waiting for the gateway.
        _clock.Advance(attemptExpiresAt + Duration.FromMinutes(14) - Now);
        await WaitUntilExpiredAsync(control);
        await Task.Delay(500);
        Assert.Equal("pending", (await SnapshotAsync(_app, setup.InvoiceId)).Status);

        // The grace has passed: the invoice expires, with its invoice.expired event, though the attempt never resolved.
        _clock.Advance(Duration.FromMinutes(1) + Duration.FromSeconds(1));
        await WaitUntilExpiredAsync(setup.InvoiceId);
        Assert.Equal("pending", Assert.Single(await Payments.PaymentApi.AttemptsAsync(_app, setup.InvoiceId)).Status);
        Assert.Single(await EventsAsync(setup.Client, "invoice.expired"), e => e.GetProperty("subject_id").GetGuid() == setup.InvoiceId);

        // Money that arrives now is too late for the invoice: kept, not applied, and listed as stranded money.
        using var gateway = _app.CreateClient();
        Assert.Equal(("processed", "recorded_not_applied"), await ReceiptAsync(await PostSandboxAsync(gateway, SandboxPaid(setup.Reference, setup.Amount, Now), Now)));
        var stranded = Assert.Single((await InvoiceApi.GetAsync(setup.Client, "/payments?applied=false")).GetProperty("data").EnumerateArray());
        Assert.Equal(setup.InvoiceId, stranded.GetProperty("invoice_id").GetGuid());
        Assert.Equal("closed_invoice", stranded.GetProperty("unapplied_reason").GetString());
    }

    [Fact]
    public async Task An_attempt_that_resolved_holds_nothing_and_the_invoice_expires_on_time()
    {
        var (setup, control, attemptExpiresAt) = await AttemptWithControlAsync();
        using var gateway = _app.CreateClient();
        Assert.Equal(("processed", "attempt_failed"), await ReceiptAsync(await PostSandboxAsync(gateway, SandboxDeclined(setup.Reference, setup.Amount, Now), Now)));

        _clock.Advance(attemptExpiresAt + Duration.FromSeconds(1) - Now);

        await WaitUntilExpiredAsync(control);
        await WaitUntilExpiredAsync(setup.InvoiceId);
    }

    [Fact]
    public async Task The_grace_is_configurable()
    {
        // Only an instance with the setting runs the job: the default one would wait its own 15 minutes and prove nothing.
        await ((IAsyncLifetime)_app).DisposeAsync();
        _app = new WebhookApiFactory(_database, ownsDatabase: false, _clock, lockWaitSeconds: null, new Dictionary<string, string?>
        {
            ["PayTrust:Workers:ExpiryEnabled"] = "true",
            ["PayTrust:Workers:ExpiryIntervalSeconds"] = "0.1",
            ["PayTrust:Invoices:ExpiryGraceMinutes"] = "2",
        });
        await _app.InitializeAsync();
        var app = _app;
        var (setup, control, attemptExpiresAt) = await AttemptWithControlAsync();

        _clock.Advance(attemptExpiresAt + Duration.FromMinutes(1) - Now);
        await WaitUntilExpiredAsync(control);
        await Task.Delay(500);
        Assert.Equal("pending", (await SnapshotAsync(app, setup.InvoiceId)).Status);

        _clock.Advance(Duration.FromMinutes(1) + Duration.FromSeconds(1));
        await WaitUntilExpiredAsync(setup.InvoiceId);
    }

    /// <summary>A one-million-rupiah invoice with an open sandbox attempt, and a draft invoice that expires at the same instant.</summary>
    private async Task<(Setup Setup, Guid Control, Instant AttemptExpiresAt)> AttemptWithControlAsync()
    {
        var expiresAt = Now + Duration.FromHours(2);
        var body = InvoiceApi.OneMillionRupiah();
        body["expires_at"] = InstantText(expiresAt);
        var setup = await AttemptAsync(_app, body: body);
        var control = await InvoiceApi.CreateIdAsync(_app, setup.Tenant, Expiring(expiresAt));
        await using var connection = await _database.OpenAsync();
        var attemptExpiresAt = Instant.FromDateTimeUtc(DateTime.SpecifyKind(
            await connection.ExecuteScalarAsync<DateTime>("SELECT expires_at FROM payment_attempts WHERE id = @Id", new { Id = setup.AttemptId }), DateTimeKind.Utc));
        // The session ends with the invoice (PayTrust never opens one past the invoice's expiry).
        Assert.Equal(expiresAt, attemptExpiresAt);
        return (setup, control, attemptExpiresAt);
    }

    private static System.Text.Json.Nodes.JsonObject Expiring(Instant expiresAt)
    {
        var body = InvoiceApi.Body();
        body["expires_at"] = InstantText(expiresAt);
        return body;
    }

    private static string InstantText(Instant instant) => NodaTime.Text.InstantPattern.ExtendedIso.Format(instant);

    private async Task WaitUntilExpiredAsync(Guid invoiceId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await SnapshotAsync(_app, invoiceId)).Status != "expired")
        {
            Assert.True(DateTime.UtcNow < deadline, $"invoice {invoiceId} did not expire within 30 s");
            await Task.Delay(50);
        }
    }
}
