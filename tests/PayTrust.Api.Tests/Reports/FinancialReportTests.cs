using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using NodaTime;
using PayTrust.Api.Tests.Invoices;

namespace PayTrust.Api.Tests.Reports;

/// <summary>
/// GET /reports/financial (spec §12) over a ledger made through the API — invoices in IDR, MYR and USD on three
/// gateways at several tax rates, installments, partial payments, overpayments, cancellations, and a second tenant
/// trading in the same weeks — compared with totals computed in the test from the raw rows.
/// </summary>
public partial class FinancialReportTests(ReportApiFactory factory) : IClassFixture<ReportApiFactory>
{
    private static readonly string[] Rates = ["0", "0.11", "0.125", "0.06", "0.0725", "0.1"];

    [Fact]
    public async Task Reports_over_a_generated_ledger_match_totals_computed_from_the_raw_rows()
    {
        var (mine, other, first) = await GenerateLedgerAsync(seed: 7, steps: 240);
        using var client = factory.TenantClient(mine.ApiKey);
        var ledger = await ReportApi.ReadLedgerAsync(factory.Database, mine.TenantId);
        Assert.Contains(ledger.Invoices, i => i.Status == "fully_paid");
        Assert.Contains(ledger.Invoices, i => i.Status == "partially_paid");
        Assert.Contains(ledger.Payments, p => ledger.Invoices.Single(i => i.Id == p.InvoiceId).Status == "fully_paid"
            && p.RecordedAt > ledger.Invoices.Single(i => i.Id == p.InvoiceId).PaidAt);
        var last = factory.Clock.GetCurrentInstant() + Duration.FromHours(1);

        // The whole ledger, then windows of every size and position with every filter.
        var random = new Random(11);
        var windows = new List<(Instant Start, Instant End, string? Currency, string? Gateway)> { (first, last, null, null) };
        for (var i = 0; i < 30; i++)
        {
            var start = first + Duration.FromMinutes(random.Next(0, (int)(last - first).TotalMinutes));
            var end = start + Duration.FromMinutes(random.Next(1, 40 * 24 * 60));
            windows.Add((start, end, Pick(random, null, "IDR", "MYR", "USD"), Pick(random, null, null, "sandbox", "xendit", "midtrans")));
        }

        foreach (var (start, end, currency, gateway) in windows)
        {
            var report = await ReportApi.GetAsync(client, start, end, currency, gateway);

            Assert.Equal(ledger.Expected(start, end, currency, gateway), ReportApi.FromJson(report));
            Assert.Equal(ReportApi.Iso(start), report.GetProperty("period").GetProperty("start_date").GetString());
            Assert.Equal(ReportApi.Iso(end), report.GetProperty("period").GetProperty("end_date").GetString());
        }

        // The windows were not all empty: the comparison above compared money.
        var whole = await ReportApi.GetAsync(client, first, last);
        Assert.Equal(["IDR", "MYR", "USD"], whole.GetProperty("by_currency").EnumerateArray().Select(c => c.GetProperty("currency_code").GetString()));
        Assert.All(whole.GetProperty("by_currency").EnumerateArray(), c => Assert.True(c.GetProperty("invoice_count").GetInt64() > 0));
        // The other tenant traded in the same window, so its absence above is isolation, not an empty window.
        Assert.NotEmpty((await ReportApi.ReadLedgerAsync(factory.Database, other.TenantId)).Expected(first, last));
    }

    [Fact]
    public async Task Each_currency_adds_up_and_gateway_reports_partition_the_whole()
    {
        var (mine, _, start) = await GenerateLedgerAsync(seed: 21, steps: 120);
        using var client = factory.TenantClient(mine.ApiKey);
        var end = factory.Clock.GetCurrentInstant() + Duration.FromHours(1);

        var whole = await ReportApi.GetAsync(client, start, end);
        foreach (var currency in whole.GetProperty("by_currency").EnumerateArray())
        {
            long Field(string name) => currency.GetProperty(name).GetInt64();
            Assert.Equal(Field("amount"), Field("subtotal") + Field("tax") + Field("service_fees"));
            Assert.Equal(Field("tax"), currency.GetProperty("tax_breakdown").EnumerateArray().Sum(t => t.GetProperty("amount").GetInt64()));
            Assert.Equal(Field("service_fees"), currency.GetProperty("gateway_breakdown").EnumerateArray().Sum(g => g.GetProperty("service_fees").GetInt64()));
            Assert.Equal(Field("invoice_count"), currency.GetProperty("gateway_breakdown").EnumerateArray().Sum(g => g.GetProperty("invoice_count").GetInt64()));
            Assert.All(currency.GetProperty("tax_breakdown").EnumerateArray(), t =>
                Assert.StartsWith(currency.GetProperty("currency_code").GetString() + "_", t.GetProperty("label").GetString(), StringComparison.Ordinal));
            Assert.Equal(Field("refunded"), currency.GetProperty("money_out_breakdown").EnumerateArray().Sum(m => m.GetProperty("amount").GetInt64()));
            Assert.Equal(Field("net_collected"), Field("collected") - Field("refunded"));
        }

        // The ledger had money out, so the sums above and the partition below covered it.
        Assert.Contains(whole.GetProperty("by_currency").EnumerateArray(), c => c.GetProperty("refunded").GetInt64() > 0);

        // A gateway filter selects invoices by their gateway everywhere, collected included, and money out by the gateway
        // that reported it: the filtered reports add up to the whole.
        var byGateway = new List<ReportNumbers>();
        foreach (var gateway in new[] { "sandbox", "xendit", "midtrans" })
        {
            byGateway.AddRange(ReportApi.FromJson(await ReportApi.GetAsync(client, start, end, gateway: gateway)).Where(n => n.Section == "summary"));
        }

        var summed = byGateway.GroupBy(n => (n.CurrencyCode, n.Item)).ToDictionary(g => g.Key, g => g.Sum(n => n.Amount));
        Assert.Equal(
            ReportApi.FromJson(whole).Where(n => n.Section == "summary").ToDictionary(n => (n.CurrencyCode, n.Item), n => n.Amount),
            summed);
    }

    [Fact]
    public async Task A_partially_paid_installment_invoice_counts_in_collected_but_not_as_paid_until_it_is_completed()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var week1 = factory.Clock.GetCurrentInstant();
        // IDR: subtotal 300,000, tax 11 % 33,000, sandbox fee 1 % + 1,000 = 4,000; total 337,000 in 3 installments.
        var invoice = await CreateAsync(client, InvoiceApi.WithInstallments(3, intervalDays: 7));
        var id = invoice.GetProperty("id").GetGuid();
        var firstInstallment = invoice.GetProperty("installment_schedule")[0].GetProperty("amount").GetInt64();

        factory.Clock.Advance(Duration.FromHours(2));
        await PayAsync(client, id, firstInstallment, "IDR");
        factory.Clock.Advance(Duration.FromDays(7));
        var week2 = factory.Clock.GetCurrentInstant();
        factory.Clock.Advance(Duration.FromHours(2));
        var rest = await PayAsync(client, id, 337_000 - firstInstallment + 500, "IDR");
        Assert.Equal("fully_paid", rest.GetProperty("invoice").GetProperty("status").GetString());
        factory.Clock.Advance(Duration.FromDays(7));
        var week3 = factory.Clock.GetCurrentInstant();

        var duringFirst = Single(await ReportApi.GetAsync(client, week1, week2));
        Assert.Equal(firstInstallment, duringFirst.GetProperty("collected").GetInt64());
        Assert.Equal(0, duringFirst.GetProperty("invoice_count").GetInt64());
        Assert.Equal(0, duringFirst.GetProperty("amount").GetInt64());
        Assert.Equal(0, duringFirst.GetProperty("tax").GetInt64());
        Assert.Empty(duringFirst.GetProperty("tax_breakdown").EnumerateArray());
        Assert.Empty(duringFirst.GetProperty("gateway_breakdown").EnumerateArray());

        var duringSecond = Single(await ReportApi.GetAsync(client, week2, week3));
        Assert.Equal(337_000 - firstInstallment + 500, duringSecond.GetProperty("collected").GetInt64());
        Assert.Equal(1, duringSecond.GetProperty("invoice_count").GetInt64());
        Assert.Equal(300_000, duringSecond.GetProperty("subtotal").GetInt64());
        Assert.Equal(33_000, duringSecond.GetProperty("tax").GetInt64());
        Assert.Equal(4_000, duringSecond.GetProperty("service_fees").GetInt64());
        Assert.Equal(337_000, duringSecond.GetProperty("amount").GetInt64());
        Assert.Equal(500, duringSecond.GetProperty("overpayment").GetInt64());
        var tax = Assert.Single(duringSecond.GetProperty("tax_breakdown").EnumerateArray());
        Assert.Equal("0.11", tax.GetProperty("tax_rate").GetString());
        Assert.Equal("IDR_11%", tax.GetProperty("label").GetString());
        Assert.Equal(33_000, tax.GetProperty("amount").GetInt64());
        Assert.Equal(1, tax.GetProperty("line_item_count").GetInt64());
        Assert.Equal(1, tax.GetProperty("invoice_count").GetInt64());
        var gateway = Assert.Single(duringSecond.GetProperty("gateway_breakdown").EnumerateArray());
        Assert.Equal("sandbox", gateway.GetProperty("gateway").GetString());
        Assert.Equal(4_000, gateway.GetProperty("service_fees").GetInt64());
    }

    [Fact]
    public async Task A_closed_window_does_not_change_when_money_arrives_later()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var start = factory.Clock.GetCurrentInstant();
        var id = (await CreateAsync(client, InvoiceApi.Body())).GetProperty("id").GetGuid();
        factory.Clock.Advance(Duration.FromHours(1));
        await PayAsync(client, id, 337_000 + 1_000, "IDR");
        factory.Clock.Advance(Duration.FromHours(1));
        var end = factory.Clock.GetCurrentInstant();
        var before = await client.GetStringAsync(ReportApi.Path(start, end));

        factory.Clock.Advance(Duration.FromHours(1));
        await PayAsync(client, id, 2_000, "IDR"); // a duplicate transfer: more overpayment, after the window

        Assert.Equal(before, await client.GetStringAsync(ReportApi.Path(start, end)));
        Assert.Equal(1_000, Single(JsonDocument.Parse(before).RootElement).GetProperty("overpayment").GetInt64());
        var later = Single(await ReportApi.GetAsync(client, end, factory.Clock.GetCurrentInstant() + Duration.FromHours(1)));
        Assert.Equal(2_000, later.GetProperty("collected").GetInt64());
        Assert.Equal(0, later.GetProperty("invoice_count").GetInt64());
        // Up to now, the invoice's whole overpayment shows.
        Assert.Equal(3_000, Single(await ReportApi.GetAsync(client, start, factory.Clock.GetCurrentInstant() + Duration.FromHours(1))).GetProperty("overpayment").GetInt64());
    }

    [Fact]
    public async Task Rates_are_labelled_by_currency_and_percent_and_money_for_a_closed_invoice_is_not_collected()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var start = factory.Clock.GetCurrentInstant();
        var body = InvoiceApi.Body();
        body["currency_code"] = "USD";
        body["line_items"] = new JsonArray(
            InvoiceApi.Line("A", 1, 10_000, "0.125"), InvoiceApi.Line("B", 2, 2_500, "0.125"), InvoiceApi.Line("C", 1, 999, "0.0725"), InvoiceApi.Line("D", 1, 100, "0"));
        var invoice = await CreateAsync(client, body);
        await PayAsync(client, invoice.GetProperty("id").GetGuid(), invoice.GetProperty("total_amount").GetInt64(), "USD");
        var cancelled = (await CreateAsync(client, InvoiceApi.Body())).GetProperty("id").GetGuid();
        await HttpAssert.JsonAsync(await client.PostAsync($"/invoices/{cancelled}/cancel", null), HttpStatusCode.OK);
        // What the webhook path records for money that reaches a cancelled invoice: kept, applied = 0 (ADR 14).
        await using (var connection = await factory.Database.OpenAsync())
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO payments (id, tenant_id, invoice_id, rail, gateway, gateway_transaction_id, currency_code, amount, source, applied, paid_at, recorded_at)
                VALUES (UUID(), @TenantId, @InvoiceId, 'card_psp', 'sandbox', @Transaction, 'IDR', 337000, 'webhook', 0, @Now, @Now)
                """,
                new { tenant.TenantId, InvoiceId = cancelled, Transaction = "sbx_" + Guid.NewGuid(), Now = factory.Clock.GetCurrentInstant().ToDateTimeUtc() });
        }

        factory.Clock.Advance(Duration.FromMinutes(1));
        var report = await ReportApi.GetAsync(client, start, factory.Clock.GetCurrentInstant());

        var usd = Single(report);
        Assert.Equal(
            [("0", "USD_0%", 0L, 1L), ("0.0725", "USD_7.25%", 72L, 1L), ("0.125", "USD_12.5%", 1_875L, 2L)],
            usd.GetProperty("tax_breakdown").EnumerateArray().Select(t => (
                t.GetProperty("tax_rate").GetString(), t.GetProperty("label").GetString(), t.GetProperty("amount").GetInt64(), t.GetProperty("line_item_count").GetInt64())));
        Assert.Equal(invoice.GetProperty("total_amount").GetInt64(), usd.GetProperty("collected").GetInt64());
        Assert.Equal(JsonValueKind.Number, usd.GetProperty("amount").ValueKind);
    }

    [Fact]
    public async Task Another_tenants_ledger_never_appears()
    {
        var (owner, other, start) = await GenerateLedgerAsync(seed: 3, steps: 60);
        var stranger = await factory.CreateTenantAsync("Stranger");
        var end = factory.Clock.GetCurrentInstant() + Duration.FromHours(1);

        using var strangerClient = factory.TenantClient(stranger.ApiKey);
        Assert.Empty((await ReportApi.GetAsync(strangerClient, start, end)).GetProperty("by_currency").EnumerateArray());
        foreach (var tenant in new[] { owner, other })
        {
            using var client = factory.TenantClient(tenant.ApiKey);
            var ledger = await ReportApi.ReadLedgerAsync(factory.Database, tenant.TenantId);
            Assert.Equal(ledger.Expected(start, end), ReportApi.FromJson(await ReportApi.GetAsync(client, start, end)));
        }
    }

    [Fact]
    public async Task Csv_carries_the_same_numbers_as_json_whether_asked_by_accept_or_by_format()
    {
        var (mine, _, start) = await GenerateLedgerAsync(seed: 5, steps: 80);
        using var client = factory.TenantClient(mine.ApiKey);
        var end = factory.Clock.GetCurrentInstant() + Duration.FromHours(1);
        var json = await ReportApi.GetAsync(client, start, end);

        var byFormat = await client.GetAsync(ReportApi.Path(start, end, format: "csv"));
        var byAccept = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, ReportApi.Path(start, end)) { Headers = { { "Accept", "text/csv" } } });
        var jsonPreferred = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, ReportApi.Path(start, end))
        {
            Headers = { { "Accept", "application/json, text/csv;q=0.5" } },
        });

        Assert.Equal(HttpStatusCode.OK, byFormat.StatusCode);
        Assert.Equal("text/csv", byFormat.Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/csv", byAccept.Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/json", jsonPreferred.Content.Headers.ContentType?.MediaType);
        var text = await byFormat.Content.ReadAsStringAsync();
        Assert.Equal(text, await byAccept.Content.ReadAsStringAsync());
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);

        var (header, rows, periods) = ReportApi.FromCsv(text);
        Assert.Equal(
            ["period_start", "period_end", "currency_code", "section", "item", "tax_rate", "invoice_count", "line_item_count", "amount_minor", "amount_major", "entry_count"],
            header);
        Assert.Equal(ReportApi.FromJson(json), rows);
        Assert.All(periods, p => Assert.Equal((ReportApi.Iso(start), ReportApi.Iso(end)), p));
        Assert.True(rows.Count > 3 * 8, "every currency has its summary rows and at least one breakdown row");
        Assert.Contains(rows, row => row.Section == "money_out" && row.EntryCount > 0);
    }

    [Fact]
    public async Task An_empty_report_is_an_empty_list_and_a_csv_of_only_the_header()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var (start, end) = (Instant.FromUtc(2025, 1, 1, 0, 0), Instant.FromUtc(2025, 2, 1, 0, 0));

        Assert.Empty((await ReportApi.GetAsync(client, start, end)).GetProperty("by_currency").EnumerateArray());
        var (_, rows, _) = ReportApi.FromCsv(await client.GetStringAsync(ReportApi.Path(start, end, format: "csv")));
        Assert.Empty(rows);
    }

    [Theory]
    [InlineData("start_date=2026-02-01&end_date=2026-02-01", "invalid_period", "end_date")]
    [InlineData("start_date=2026-02-02&end_date=2026-02-01", "invalid_period", "end_date")]
    [InlineData("start_date=2025-01-01&end_date=2026-01-02T00:00:00.000001Z", "invalid_period", "end_date")]
    [InlineData("start_date=2026-13-01&end_date=2026-02-01", "invalid_date", "start_date")]
    [InlineData("start_date=01/02/2026&end_date=2026-02-01", "invalid_date", "start_date")]
    [InlineData("start_date=2026-01-01&end_date=2026-02-01T00:00:00", "invalid_date", "end_date")]
    [InlineData("end_date=2026-02-01", "invalid_date", "start_date")]
    [InlineData("start_date=2026-01-01", "invalid_date", "end_date")]
    [InlineData("start_date=2026-01-01&end_date=2026-02-01&currency_code=EUR", "invalid_currency", "currency_code")]
    [InlineData("start_date=2026-01-01&end_date=2026-02-01&currency_code=idr", "invalid_currency", "currency_code")]
    [InlineData("start_date=2026-01-01&end_date=2026-02-01&gateway=paypal", "invalid_gateway", "gateway")]
    [InlineData("start_date=2026-01-01&end_date=2026-02-01&format=xlsx", "invalid_format", "format")]
    public async Task Invalid_parameters_are_400_problems_with_a_stable_code_and_change_nothing(string query, string code, string field)
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var before = await DatabaseChecksum.OfAsync(factory.Database);

        var problem = await HttpAssert.Problem.ReadAsync(await client.GetAsync("/reports/financial?" + query), HttpStatusCode.BadRequest);

        Assert.Equal(code, problem.Code);
        Assert.True(problem.Body.GetProperty("errors").TryGetProperty(field, out _), $"errors names {field}: {problem.Body}");
        Assert.Equal(before, await DatabaseChecksum.OfAsync(factory.Database));
    }

    [Theory]
    [InlineData("2024-01-01", "2025-01-01")] // 366 days, a leap year: the longest allowed
    [InlineData("2026-01-01T00:00:00+07:00", "2026-02-01T00:00:00+07:00")] // a month in Jakarta time
    [InlineData("2026-01-01T00:00Z", "2026-01-01T00:00:00.5Z")]
    public async Task Dates_and_date_times_with_an_offset_are_accepted_and_echoed_in_utc(string start, string end)
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);

        var report = await HttpAssert.JsonAsync(
            await client.GetAsync($"/reports/financial?start_date={Uri.EscapeDataString(start)}&end_date={Uri.EscapeDataString(end)}"), HttpStatusCode.OK);

        Assert.Equal(Echo(start), report.GetProperty("period").GetProperty("start_date").GetString());
        Assert.Equal(Echo(end), report.GetProperty("period").GetProperty("end_date").GetString());
    }

    [Fact]
    public async Task The_report_needs_a_tenant_key()
    {
        using var anonymous = factory.CreateClient();
        var problem = await HttpAssert.Problem.ReadAsync(await anonymous.GetAsync("/reports/financial?start_date=2026-01-01&end_date=2026-02-01"), HttpStatusCode.Unauthorized);
        Assert.Equal("missing_api_key", problem.Code);
    }

    private static string Echo(string bound) => bound.Length == 10
        ? bound + "T00:00:00Z"
        : ReportApi.Iso(NodaTime.Text.OffsetDateTimePattern.ExtendedIso.Parse(bound.Replace("00:00Z", "00:00:00Z", StringComparison.Ordinal)).GetValueOrThrow().ToInstant());

    private static JsonElement Single(JsonElement report) => Assert.Single(report.GetProperty("by_currency").EnumerateArray());

    private static T? Pick<T>(Random random, params T?[] choices) => choices[random.Next(choices.Length)];

    private static async Task<JsonElement> CreateAsync(HttpClient client, JsonObject body) =>
        await HttpAssert.JsonAsync(await InvoiceApi.PostAsync(client, body), HttpStatusCode.Created);

    private static async Task<JsonElement> PayAsync(HttpClient client, Guid invoiceId, long amount, string currency) =>
        await HttpAssert.JsonAsync(
            await InvoiceApi.PostJsonAsync(client, $"/invoices/{invoiceId}/payments",
                new { amount, currency_code = currency, reference = "REF-" + Guid.NewGuid().ToString("N"), rail = "bank_transfer" }),
            HttpStatusCode.Created);

    /// <summary>
    /// Two tenants trading over the same weeks through the API: each step moves the clock 1–20 hours, then one of them
    /// creates an invoice (random currency, gateway, 1–3 lines at random rates, sometimes installments), cancels a
    /// fresh one, or pays one of its open or paid invoices in full, in part, or beyond its total. Now and then money
    /// goes back from one of its earlier payments (a refund, chargeback or reversal reported now, dated by the gateway
    /// anywhere since that payment, so often in a day already closed), or an entry arrives that waits for a payment.
    /// Money out has its own random sequence, so the trading above is the same with or without it.
    /// </summary>
    private async Task<(TestTenant Mine, TestTenant Other, Instant Began)> GenerateLedgerAsync(int seed, int steps)
    {
        var random = new Random(seed);
        var moneyOutRandom = new Random(seed + 1);
        var began = factory.Clock.GetCurrentInstant();
        var tenants = new[] { await factory.CreateTenantAsync("Mine"), await factory.CreateTenantAsync("Other") };
        var clients = tenants.Select(t => factory.TenantClient(t.ApiKey)).ToArray();
        foreach (var tenant in tenants)
        {
            await InvoiceApi.SetGatewayCredentialsAsync(factory, tenant, "xendit", "midtrans");
        }

        var open = tenants.Select(_ => new List<(Guid Id, string Currency, string Gateway, long Due)>()).ToArray();
        var payments = tenants.Select(_ => new List<(Guid Id, Guid InvoiceId, string Currency, string Gateway, long Amount, Instant RecordedAt)>()).ToArray();
        try
        {
            for (var step = 0; step < steps; step++)
            {
                factory.Clock.Advance(Duration.FromMinutes(random.Next(60, 20 * 60)));
                var who = random.NextDouble() < 0.7 ? 0 : 1;
                var client = clients[who];
                var action = random.NextDouble();
                if (open[who].Count == 0 || action < 0.4)
                {
                    var (body, currency) = RandomInvoice(random, factory.Clock.GetCurrentInstant());
                    var invoice = await CreateAsync(client, body);
                    open[who].Add((invoice.GetProperty("id").GetGuid(), currency, body["gateway"]!.GetValue<string>(), invoice.GetProperty("total_amount").GetInt64()));
                }
                else if (action < 0.45)
                {
                    var (body, currency) = RandomInvoice(random, factory.Clock.GetCurrentInstant());
                    var id = (await CreateAsync(client, body)).GetProperty("id").GetGuid();
                    await HttpAssert.JsonAsync(await client.PostAsync($"/invoices/{id}/cancel", null), HttpStatusCode.OK);
                }
                else
                {
                    var index = random.Next(open[who].Count);
                    var (id, currency, gateway, due) = open[who][index];
                    var kind = random.NextDouble();
                    var amount = due == 0 ? random.Next(1, 5_000)
                        : kind < 0.5 ? due
                        : kind < 0.8 ? Math.Max(1, (long)(due * random.NextDouble()))
                        : due + random.Next(1, 5_000);
                    var paid = await PayAsync(client, id, amount, currency);
                    payments[who].Add((paid.GetProperty("id").GetGuid(), id, currency, gateway, amount, factory.Clock.GetCurrentInstant()));
                    var left = paid.GetProperty("invoice").GetProperty("amount_due").GetInt64();
                    // A paid invoice stays in the pool now and then, for later money that is pure overpayment.
                    if (left == 0 && random.NextDouble() < 0.7)
                    {
                        open[who].RemoveAt(index);
                    }
                    else
                    {
                        open[who][index] = (id, currency, gateway, left);
                    }
                }

                if (payments[who].Count > 0 && moneyOutRandom.NextDouble() < 0.15)
                {
                    var (paymentId, invoiceId, currency, gateway, amount, recordedAt) = payments[who][moneyOutRandom.Next(payments[who].Count)];
                    var now = factory.Clock.GetCurrentInstant();
                    var refundedAt = recordedAt + Duration.FromMinutes(moneyOutRandom.Next(0, (int)(now - recordedAt).TotalMinutes + 1));
                    await MoneyOutEntries.InsertAsync(
                        factory.Database, tenants[who].TenantId, invoiceId, moneyOutRandom.NextDouble() < 0.15 ? null : paymentId,
                        Pick(moneyOutRandom, "refund", "chargeback", "reversal")!, gateway, currency, moneyOutRandom.NextInt64(1, amount + 1), refundedAt, now);
                }
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        return (tenants[0], tenants[1], began);
    }

    private static (JsonObject Body, string Currency) RandomInvoice(Random random, Instant now)
    {
        var currency = Pick(random, "IDR", "MYR", "USD")!;
        var gateway = currency == "IDR" ? Pick(random, "sandbox", "xendit", "midtrans") : Pick(random, "sandbox", "xendit");
        var lines = new JsonArray(Enumerable.Range(0, random.Next(1, 4))
            .Select(n => (JsonNode)InvoiceApi.Line($"Item {n}", random.Next(1, 4), currency == "IDR" ? random.Next(1, 500) * 1_000 : random.Next(100, 50_000), Pick(random, Rates)!))
            .ToArray());
        var body = new JsonObject { ["currency_code"] = currency, ["gateway"] = gateway, ["line_items"] = lines };
        if (random.NextDouble() < 0.3)
        {
            body = InvoiceApi.WithInstallments(random.Next(2, 5), body, intervalDays: 5);
        }
        else
        {
            // Long enough for the ledger's payments to reach it before it would expire (no expiry worker runs here anyway).
            body["expires_at"] = ReportApi.Iso(now + Duration.FromDays(29));
        }

        return (body, currency);
    }
}
