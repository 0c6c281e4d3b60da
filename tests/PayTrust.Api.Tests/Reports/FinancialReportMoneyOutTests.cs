using System.Net;
using System.Text.Json;
using Dapper;
using NodaTime;
using PayTrust.Api.Tests.Invoices;

namespace PayTrust.Api.Tests.Reports;

/// <summary>
/// Money out in the report (ADR 16, "Money out"): refunds, chargebacks and reversals against the tenant's applied
/// payments, by the time they happened at the gateway (refunded_at), as <c>refunded</c>, a breakdown by kind and
/// <c>net_collected</c> = collected − refunded, per currency; the entries are written as the notification path
/// records them (<see cref="MoneyOutEntries"/>).
/// </summary>
public partial class FinancialReportTests
{
    [Fact]
    public async Task Money_out_in_the_window_is_refunded_by_kind_and_taken_off_collected_per_currency()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync("Other");
        await InvoiceApi.SetGatewayCredentialsAsync(factory, tenant, "xendit", "midtrans");
        await InvoiceApi.SetGatewayCredentialsAsync(factory, other, "xendit");
        using var client = factory.TenantClient(tenant.ApiKey);
        using var otherClient = factory.TenantClient(other.ApiKey);
        var start = factory.Clock.GetCurrentInstant();
        factory.Clock.Advance(Duration.FromMinutes(1));
        var midtrans = await PaidInvoiceAsync(client, "IDR", "midtrans");
        var xendit = await PaidInvoiceAsync(client, "IDR", "xendit");
        var usd = await PaidInvoiceAsync(client, "USD", "xendit");
        var theirs = await PaidInvoiceAsync(otherClient, "IDR", "xendit");
        // Money that reached a cancelled invoice: recorded, not applied (ADR 14), so never in collected.
        var cancelled = (await CreateAsync(client, InvoiceApi.Body())).GetProperty("id").GetGuid();
        await HttpAssert.JsonAsync(await client.PostAsync($"/invoices/{cancelled}/cancel", null), HttpStatusCode.OK);
        var unapplied = Guid.NewGuid();
        await using (var connection = await factory.Database.OpenAsync())
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO payments (id, tenant_id, invoice_id, rail, gateway, gateway_transaction_id, currency_code, amount, source, applied, paid_at, recorded_at)
                VALUES (@Id, @TenantId, @InvoiceId, 'card_psp', 'sandbox', @Transaction, 'IDR', 337000, 'webhook', 0, @Now, @Now)
                """,
                new { Id = unapplied, tenant.TenantId, InvoiceId = cancelled, Transaction = "sbx_" + Guid.NewGuid(), Now = factory.Clock.GetCurrentInstant().ToDateTimeUtc() });
        }

        factory.Clock.Advance(Duration.FromHours(1));
        var t1 = factory.Clock.GetCurrentInstant();
        var end = t1 + Duration.FromHours(3);
        factory.Clock.Advance(Duration.FromHours(4));
        var now = factory.Clock.GetCurrentInstant();
        Task Out(Guid tenantId, (Guid Invoice, Guid Payment, string Gateway, string Currency, long Total) paid, string kind, long amount, Instant at) =>
            MoneyOutEntries.InsertAsync(factory.Database, tenantId, paid.Invoice, paid.Payment, kind, paid.Gateway, paid.Currency, amount, at, now);

        await Out(tenant.TenantId, midtrans, "refund", 50_000, t1); // the window's first instant: in
        await Out(tenant.TenantId, midtrans, "reversal", 20_000, t1 + Duration.FromHours(1));
        await Out(tenant.TenantId, xendit, "chargeback", 100_000, end - Duration.FromTicks(10)); // its last microsecond: in
        await Out(tenant.TenantId, usd, "refund", 1_500, t1 + Duration.FromHours(2));
        await Out(tenant.TenantId, xendit, "refund", 7_000, end); // the end is excluded
        // Waiting for its payment (it arrived first): not money out yet.
        await MoneyOutEntries.InsertAsync(factory.Database, tenant.TenantId, midtrans.Invoice, null, "refund", "midtrans", "IDR", 9_000, t1, now);
        // Returned from money that was never applied.
        await MoneyOutEntries.InsertAsync(factory.Database, tenant.TenantId, cancelled, unapplied, "refund", "sandbox", "IDR", 337_000, t1, now);
        // The other tenant's own chargeback, and a row of its own that names this tenant's payment: neither is this
        // tenant's money out, and the second is nobody's (the payment is not the other tenant's).
        await Out(other.TenantId, theirs, "chargeback", 40_000, t1);
        await MoneyOutEntries.InsertAsync(factory.Database, other.TenantId, theirs.Invoice, midtrans.Payment, "refund", "midtrans", "IDR", 11_000, t1, now);

        var report = await ReportApi.GetAsync(client, start, end);

        var (idr, dollars) = Pair(report);
        Assert.Equal(2, idr.GetProperty("invoice_count").GetInt64());
        Assert.Equal(midtrans.Total + xendit.Total, idr.GetProperty("collected").GetInt64());
        Assert.Equal(170_000, idr.GetProperty("refunded").GetInt64());
        Assert.Equal(midtrans.Total + xendit.Total - 170_000, idr.GetProperty("net_collected").GetInt64());
        Assert.Equal([("chargeback", 100_000L, 1L), ("refund", 50_000L, 1L), ("reversal", 20_000L, 1L)], Breakdown(idr));
        Assert.Equal(usd.Total, dollars.GetProperty("collected").GetInt64());
        Assert.Equal(1_500, dollars.GetProperty("refunded").GetInt64());
        Assert.Equal(usd.Total - 1_500, dollars.GetProperty("net_collected").GetInt64());
        Assert.Equal([("refund", 1_500L, 1L)], Breakdown(dollars));
        var ledger = await ReportApi.ReadLedgerAsync(factory.Database, tenant.TenantId);
        Assert.Equal(ledger.Expected(start, end), ReportApi.FromJson(report));

        // Only money out in the window: the currencies are still listed, nothing paid, a negative net.
        var (idrOut, usdOut) = Pair(await ReportApi.GetAsync(client, t1, end));
        Assert.Equal((0L, 0L, 170_000L, -170_000L), Figures(idrOut));
        Assert.Equal((0L, 0L, 1_500L, -1_500L), Figures(usdOut));
        var after = Single(await ReportApi.GetAsync(client, end, now));
        Assert.Equal((0L, 0L, 7_000L, -7_000L), Figures(after));

        // The gateway filter takes the money out that gateway reported; the currency filter keeps USD apart.
        var byMidtrans = Single(await ReportApi.GetAsync(client, start, end, gateway: "midtrans"));
        Assert.Equal((1L, midtrans.Total, 70_000L, midtrans.Total - 70_000), Figures(byMidtrans));
        Assert.Equal([("refund", 50_000L, 1L), ("reversal", 20_000L, 1L)], Breakdown(byMidtrans));
        var (idrXendit, usdXendit) = Pair(await ReportApi.GetAsync(client, start, end, gateway: "xendit"));
        Assert.Equal((1L, xendit.Total, 100_000L, xendit.Total - 100_000), Figures(idrXendit));
        Assert.Equal((1L, usd.Total, 1_500L, usd.Total - 1_500), Figures(usdXendit));
        Assert.Empty((await ReportApi.GetAsync(client, start, end, gateway: "sandbox")).GetProperty("by_currency").EnumerateArray());
        var onlyUsd = Single(await ReportApi.GetAsync(client, start, end, currency: "USD"));
        Assert.Equal("USD", onlyUsd.GetProperty("currency_code").GetString());
        Assert.Equal((1L, usd.Total, 1_500L, usd.Total - 1_500), Figures(onlyUsd));
        foreach (var (gateway, currency) in new (string? Gateway, string? Currency)[] { ("midtrans", null), ("xendit", null), ("xendit", "IDR"), (null, "USD") })
        {
            Assert.Equal(ledger.Expected(start, end, currency, gateway), ReportApi.FromJson(await ReportApi.GetAsync(client, start, end, currency, gateway)));
        }

        // The other tenant sees its own chargeback only.
        var otherIdr = Single(await ReportApi.GetAsync(otherClient, start, end));
        Assert.Equal((1L, theirs.Total, 40_000L, theirs.Total - 40_000), Figures(otherIdr));
        Assert.Equal([("chargeback", 40_000L, 1L)], Breakdown(otherIdr));

        // CSV: the same figures, money out as summary rows and one row per kind with its number of entries.
        var (header, rows, _) = ReportApi.FromCsv(await client.GetStringAsync(ReportApi.Path(start, end, format: "csv")));
        Assert.Equal("entry_count", header[^1]);
        Assert.Equal(ReportApi.FromJson(report), rows);
        Assert.Equal(
            [
                new ReportNumbers("IDR", "summary", "collected", null, null, null, midtrans.Total + xendit.Total),
                new ReportNumbers("IDR", "summary", "refunded", null, null, null, 170_000),
                new ReportNumbers("IDR", "summary", "net_collected", null, null, null, midtrans.Total + xendit.Total - 170_000),
                new ReportNumbers("IDR", "money_out", "chargeback", null, null, null, 100_000, 1),
                new ReportNumbers("IDR", "money_out", "refund", null, null, null, 50_000, 1),
                new ReportNumbers("IDR", "money_out", "reversal", null, null, null, 20_000, 1),
            ],
            rows.Where(row => row.CurrencyCode == "IDR" && (row.Section == "money_out" || row.Item is "collected" or "refunded" or "net_collected")));
        var negative = await client.GetStringAsync(ReportApi.Path(t1, end, format: "csv"));
        Assert.Contains(",USD,summary,net_collected,,,,-1500,-15.00,\r\n", negative, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Money_out_reported_after_its_day_was_rolled_up_counts_in_that_day_and_a_waiting_entry_counts_once_its_payment_lands()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var day1 = NextMidnight();
        factory.Clock.Advance(Duration.FromHours(9));
        var early = await PaidInvoiceAsync(client, "IDR", "sandbox"); // day 1, 09:00
        var late = (await CreateAsync(client, InvoiceApi.Body())).GetProperty("id").GetGuid();
        factory.Clock.Advance(Duration.FromHours(1));
        // Day 1, 10:00: a refund of the second invoice's payment arrives before that payment and waits.
        var waiting = await MoneyOutEntries.InsertAsync(
            factory.Database, tenant.TenantId, late, null, "refund", "sandbox", "IDR", 5_000, factory.Clock.GetCurrentInstant(), factory.Clock.GetCurrentInstant());
        var day3 = day1 + Duration.FromDays(2);
        factory.Clock.Advance(day3 + Duration.FromHours(9) - factory.Clock.GetCurrentInstant());
        await RollUpAsync();
        Assert.Equal(day3, await RolledUpUntilAsync(tenant.TenantId));
        var closed = Single(await ReportApi.GetAsync(client, day1, day3));
        Assert.Equal((1L, early.Total, 0L, early.Total), Figures(closed));

        // Day 3, 09:00: a chargeback dated day 1 is reported now, and the second payment lands, its refund attached.
        await MoneyOutEntries.InsertAsync(
            factory.Database, tenant.TenantId, early.Invoice, early.Payment, "chargeback", "sandbox", "IDR", 30_000, day1 + Duration.FromHours(12),
            factory.Clock.GetCurrentInstant());
        var landed = await PayAsync(client, late, 337_000, "IDR");
        await MoneyOutEntries.AttachAsync(factory.Database, waiting, landed.GetProperty("id").GetGuid());
        factory.Clock.Advance(Duration.FromMinutes(1));
        var now = factory.Clock.GetCurrentInstant();

        // The rolled-up days show both: money out is read live, by the day it happened. The payment itself is
        // collected on day 3, when PayTrust applied it, so days 1–2 show its refund before its money (a negative net
        // there had nothing else come in).
        closed = Single(await ReportApi.GetAsync(client, day1, day3));
        Assert.Equal((1L, early.Total, 35_000L, early.Total - 35_000), Figures(closed));
        Assert.Equal([("chargeback", 30_000L, 1L), ("refund", 5_000L, 1L)], Breakdown(closed));
        Assert.Equal((1L, 337_000L, 0L, 337_000L), Figures(Single(await ReportApi.GetAsync(client, day3, now))));
        var ledger = await ReportApi.ReadLedgerAsync(factory.Database, tenant.TenantId);
        foreach (var (start, end) in new[] { (day1, day3), (day1 + Duration.FromHours(11), now), (day1, now + Duration.FromHours(1)), (day3, now) })
        {
            var report = ReportApi.FromJson(await ReportApi.GetAsync(client, start, end));
            Assert.Equal(ledger.Expected(start, end), report);
            Assert.Equal(await LiveAsync(tenant.TenantId, start, end), report);
        }
    }

    /// <summary>An invoice of the currency and gateway, paid in full now through the API.</summary>
    private static async Task<(Guid Invoice, Guid Payment, string Gateway, string Currency, long Total)> PaidInvoiceAsync(HttpClient client, string currency, string gateway)
    {
        var body = InvoiceApi.Body();
        body["currency_code"] = currency;
        body["gateway"] = gateway;
        var invoice = await CreateAsync(client, body);
        var total = invoice.GetProperty("total_amount").GetInt64();
        var payment = await PayAsync(client, invoice.GetProperty("id").GetGuid(), total, currency);
        Assert.Equal("fully_paid", payment.GetProperty("invoice").GetProperty("status").GetString());
        return (invoice.GetProperty("id").GetGuid(), payment.GetProperty("id").GetGuid(), gateway, currency, total);
    }

    private static (JsonElement Idr, JsonElement Usd) Pair(JsonElement report)
    {
        var currencies = report.GetProperty("by_currency").EnumerateArray().ToArray();
        Assert.Equal(["IDR", "USD"], currencies.Select(c => c.GetProperty("currency_code").GetString()));
        return (currencies[0], currencies[1]);
    }

    private static (long InvoiceCount, long Collected, long Refunded, long NetCollected) Figures(JsonElement currency) => (
        currency.GetProperty("invoice_count").GetInt64(), currency.GetProperty("collected").GetInt64(),
        currency.GetProperty("refunded").GetInt64(), currency.GetProperty("net_collected").GetInt64());

    private static (string? Kind, long Amount, long Count)[] Breakdown(JsonElement currency) =>
        currency.GetProperty("money_out_breakdown").EnumerateArray()
            .Select(m => (m.GetProperty("kind").GetString(), m.GetProperty("amount").GetInt64(), m.GetProperty("count").GetInt64())).ToArray();
}
