using System.Text.Json;
using Dapper;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using PayTrust.Api.Hosting;
using PayTrust.Api.Tests.Invoices;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Reports;

namespace PayTrust.Api.Tests.Reports;

/// <summary>
/// Daily roll-ups (ADR 16): a report over rolled-up days must be the report the live statements give for the same
/// window, and the one computed from the raw rows, whatever the window's bounds, filters and later money.
/// </summary>
public partial class FinancialReportTests
{
    [Fact]
    public async Task Reports_over_rolled_up_days_equal_the_live_query_and_the_raw_rows()
    {
        var (mine, other, first) = await GenerateLedgerAsync(seed: 17, steps: 240);
        await RollUpAsync();
        var now = factory.Clock.GetCurrentInstant();
        Assert.True(await StoredDaysAsync(mine.TenantId) > 30, "the ledger's closed days were rolled up");
        using var client = factory.TenantClient(mine.ApiKey);
        var ledger = await ReportApi.ReadLedgerAsync(factory.Database, mine.TenantId);
        var last = now + Duration.FromHours(1);

        // Bounds anywhere (to the minute, so rarely at midnight), at midnight, and up to an hour past now (today is
        // open: read live), with every filter.
        var random = new Random(19);
        var windows = new List<(Instant Start, Instant End, string? Currency, string? Gateway)>
        {
            (first, last, null, null),
            (ReportDays.StartOfDay(first), ReportDays.StartOfDay(now), null, null),
            (first + Duration.FromMinutes(1), ReportDays.StartOfDay(now) - Duration.FromTicks(10), null, null),
        };
        for (var i = 0; i < 40; i++)
        {
            var start = first + Duration.FromMinutes(random.Next(0, (int)(last - first).TotalMinutes));
            var end = start + Duration.FromMinutes(random.Next(1, 40 * 24 * 60));
            if (i % 3 == 0)
            {
                (start, end) = (ReportDays.StartOfDay(start), ReportDays.StartOfDay(end) + Duration.FromDays(1));
            }

            windows.Add((start, end, Pick(random, null, "IDR", "MYR", "USD"), Pick(random, null, null, "sandbox", "xendit", "midtrans")));
        }

        foreach (var (start, end, currency, gateway) in windows)
        {
            var rolledUp = ReportApi.FromJson(await ReportApi.GetAsync(client, start, end, currency, gateway));

            Assert.Equal(await LiveAsync(mine.TenantId, start, end, currency, gateway), rolledUp);
            Assert.Equal(ledger.Expected(start, end, currency, gateway), rolledUp);
        }

        // The other tenant was rolled up over the same days; its rows never reach this tenant's report, and its own
        // report over its stored days is its own ledger.
        Assert.True(await StoredDaysAsync(other.TenantId) > 0);
        using var otherClient = factory.TenantClient(other.ApiKey);
        var otherLedger = await ReportApi.ReadLedgerAsync(factory.Database, other.TenantId);
        Assert.NotEmpty(otherLedger.Expected(first, last));
        Assert.Equal(otherLedger.Expected(first, last), ReportApi.FromJson(await ReportApi.GetAsync(otherClient, first, last)));
    }

    [Fact]
    public async Task Overpayment_rolled_up_per_day_is_what_payments_before_the_windows_end_exceed_the_total()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var day1 = NextMidnight();
        factory.Clock.Advance(Duration.FromHours(9));
        var id = (await CreateAsync(client, InvoiceApi.Body())).GetProperty("id").GetGuid();
        await PayAsync(client, id, 337_000 + 1_000, "IDR"); // paid on day 1, 1,000 over
        factory.Clock.Advance(Duration.FromDays(2));
        await PayAsync(client, id, 2_000, "IDR"); // day 3 09:00: a duplicate transfer, all overpayment
        factory.Clock.Advance(Duration.FromDays(2));
        await PayAsync(client, id, 4_000, "IDR"); // day 5 09:00: another
        factory.Clock.Advance(Duration.FromDays(2)); // day 7 09:00: days 1–6 are closed
        await RollUpAsync();
        Assert.Equal(day1 + Duration.FromDays(6), await RolledUpUntilAsync(tenant.TenantId));

        var ledger = await ReportApi.ReadLedgerAsync(factory.Database, tenant.TenantId);
        foreach (var (end, overpayment) in new[]
        {
            (day1 + Duration.FromDays(1), 1_000L), // stored day 1 alone
            (day1 + Duration.FromDays(3), 3_000L), // days 1–3 stored: the day-3 money comes from the late rows
            (day1 + Duration.FromDays(4) + Duration.FromHours(10), 7_000L), // days 1–4 stored, day 5 live to 10:00: its 09:00 money counts
            (day1 + Duration.FromDays(4) + Duration.FromHours(9), 3_000L), // … and not when the window ends at 09:00 (excluded)
            (day1 + Duration.FromDays(6) + Duration.FromHours(12), 7_000L),
        })
        {
            var report = await ReportApi.GetAsync(client, day1, end);
            Assert.Equal(overpayment, Single(report).GetProperty("overpayment").GetInt64());
            Assert.Equal(ledger.Expected(day1, end), ReportApi.FromJson(report));
            Assert.Equal(await LiveAsync(tenant.TenantId, day1, end), ReportApi.FromJson(report));
        }

        // A window that starts after the payment day holds no paid invoice, so none of the later money is overpayment in it.
        var afterPaid = Single(await ReportApi.GetAsync(client, day1 + Duration.FromDays(1), day1 + Duration.FromDays(6)));
        Assert.Equal(0, afterPaid.GetProperty("overpayment").GetInt64());
        Assert.Equal(6_000, afterPaid.GetProperty("collected").GetInt64());
    }

    [Fact]
    public async Task Money_in_an_open_day_shows_at_once_after_a_roll_up_and_a_day_is_rolled_up_once_its_grace_has_passed()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var day1 = NextMidnight();
        factory.Clock.Advance(Duration.FromHours(10));
        var early = (await CreateAsync(client, InvoiceApi.Body())).GetProperty("id").GetGuid();
        await PayAsync(client, early, 337_000, "IDR");
        var day3 = day1 + Duration.FromDays(2);
        factory.Clock.Advance(day3 + Duration.FromMinutes(5) - factory.Clock.GetCurrentInstant()); // day 3, 00:05
        await RollUpAsync();
        Assert.Equal(day1 + Duration.FromDays(1), await RolledUpUntilAsync(tenant.TenantId)); // day 2 is within its grace

        factory.Clock.Advance(Duration.FromMinutes(6)); // 00:11: day 2 is closed
        await RollUpAsync();
        Assert.Equal(day3, await RolledUpUntilAsync(tenant.TenantId));
        Assert.Equal(0, await RollUpCountAsync()); // nothing left to do: running again changes nothing

        // Today (open) gets a new paid invoice, a partial payment and late money for the rolled-up invoice.
        factory.Clock.Advance(Duration.FromHours(8));
        var body = InvoiceApi.Body();
        body["currency_code"] = "USD";
        var usd = await CreateAsync(client, body);
        await PayAsync(client, usd.GetProperty("id").GetGuid(), usd.GetProperty("total_amount").GetInt64() + 7, "USD");
        var partial = (await CreateAsync(client, InvoiceApi.Body())).GetProperty("id").GetGuid();
        await PayAsync(client, partial, 1_000, "IDR");
        await PayAsync(client, early, 500, "IDR");
        factory.Clock.Advance(Duration.FromMinutes(1));
        var now = factory.Clock.GetCurrentInstant();

        var ledger = await ReportApi.ReadLedgerAsync(factory.Database, tenant.TenantId);
        foreach (var (start, end) in new[] { (day1, now), (day1 + Duration.FromHours(1), now + Duration.FromHours(1)), (day1, day3), (day3, now) })
        {
            var report = ReportApi.FromJson(await ReportApi.GetAsync(client, start, end));
            Assert.Equal(ledger.Expected(start, end), report);
            Assert.Equal(await LiveAsync(tenant.TenantId, start, end), report);
        }

        var whole = await ReportApi.GetAsync(client, day1, now);
        Assert.Equal(["IDR", "USD"], whole.GetProperty("by_currency").EnumerateArray().Select(c => c.GetProperty("currency_code").GetString()));
        Assert.Equal(337_000 + 1_000 + 500, whole.GetProperty("by_currency")[0].GetProperty("collected").GetInt64());
        Assert.Equal(500, whole.GetProperty("by_currency")[0].GetProperty("overpayment").GetInt64());
        Assert.Equal(7, whole.GetProperty("by_currency")[1].GetProperty("overpayment").GetInt64());

        // Once today has closed and is rolled up too, the same windows give the same bytes: read live before, stored after.
        var throughToday = day3 + Duration.FromDays(1);
        var before = (await client.GetStringAsync(ReportApi.Path(day1, now)), await client.GetStringAsync(ReportApi.Path(day1, throughToday)));
        factory.Clock.Advance(Duration.FromDays(1));
        await RollUpAsync();
        Assert.Equal(throughToday, await RolledUpUntilAsync(tenant.TenantId));
        Assert.Equal(before, (await client.GetStringAsync(ReportApi.Path(day1, now)), await client.GetStringAsync(ReportApi.Path(day1, throughToday))));
    }

    [Fact]
    public async Task Instances_rolling_up_at_once_store_each_day_once()
    {
        var (mine, other, first) = await GenerateLedgerAsync(seed: 29, steps: 120);
        var tenants = new[] { mine, other, await factory.CreateTenantAsync("Idle") };

        // Four "instances" drain the job together: claims are SKIP LOCKED, so none waits for or repeats another's days
        // (a day stored twice would fail on the primary key).
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(RollUpAsync)));
        // An instance stops when every row left is locked by another (SKIP LOCKED cannot tell "taken" from "done"), so
        // together they may stop a batch short; the worker's next pass takes the rest, as this one does. What must
        // never happen — a day stored twice — would have failed on the primary key above.
        await RollUpAsync();

        var closedUntil = ReportDays.ClosedUntil(factory.Clock.GetCurrentInstant());
        var last = factory.Clock.GetCurrentInstant() + Duration.FromHours(1);
        foreach (var tenant in tenants)
        {
            Assert.Equal(closedUntil, await RolledUpUntilAsync(tenant.TenantId));
            using var client = factory.TenantClient(tenant.ApiKey);
            var ledger = await ReportApi.ReadLedgerAsync(factory.Database, tenant.TenantId);
            Assert.Equal(ledger.Expected(first, last), ReportApi.FromJson(await ReportApi.GetAsync(client, first, last)));
        }
    }

    /// <summary>What the roll-up worker does over time, now: every tenant's closed days, batch after batch.</summary>
    private async Task RollUpAsync()
    {
        while (await RollUpCountAsync() > 0)
        {
        }
    }

    private async Task<int> RollUpCountAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new RollUpReportDays(MaxDays: 5));
    }

    /// <summary>The report as the live statements alone compute it, in the API's JSON shape.</summary>
    private async Task<IReadOnlyList<ReportNumbers>> LiveAsync(Guid tenantId, Instant start, Instant end, string? currency = null, string? gateway = null)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var report = await new FinancialReportReader(scope.ServiceProvider.GetRequiredService<IDbSession>())
            .ReadAsync(tenantId, start, end, currency, gateway, liveOnly: true, CancellationToken.None);
        var options = new JsonSerializerOptions();
        ServiceRegistration.ConfigureJson(options);
        return ReportApi.FromJson(JsonSerializer.SerializeToElement(report, options));
    }

    private async Task<int> StoredDaysAsync(Guid tenantId)
    {
        await using var connection = await factory.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(DISTINCT day) FROM report_daily_totals WHERE tenant_id = @TenantId", new { TenantId = tenantId });
    }

    private async Task<Instant?> RolledUpUntilAsync(Guid tenantId)
    {
        await using var connection = await factory.Database.OpenAsync();
        var until = await connection.ExecuteScalarAsync<DateTime?>(
            "SELECT rolled_up_until FROM report_rollup_progress WHERE tenant_id = @TenantId", new { TenantId = tenantId });
        return until is { } day ? Instant.FromDateTimeUtc(DateTime.SpecifyKind(day, DateTimeKind.Utc)) : null;
    }

    /// <summary>Moves the shared clock to the next midnight UTC, so a test's days are whole.</summary>
    private Instant NextMidnight()
    {
        var midnight = ReportDays.StartOfDay(factory.Clock.GetCurrentInstant()) + Duration.FromDays(1);
        factory.Clock.Advance(midnight - factory.Clock.GetCurrentInstant());
        return midnight;
    }
}
