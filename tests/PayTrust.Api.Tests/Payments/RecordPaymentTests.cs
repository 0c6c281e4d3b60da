using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PayTrust.Api.Tests.Invoices;

namespace PayTrust.Api.Tests.Payments;

/// <summary>POST /invoices/{id}/payments (spec §7.5): money the merchant records goes through the same apply path as a gateway's.</summary>
public class RecordPaymentTests(PayTrustApiFactory factory) : IClassFixture<PayTrustApiFactory>
{
    // InvoiceApi.Body(): IDR, sandbox, total 337,000.
    private const long Total = 337_000;

    [Fact]
    public async Task An_exact_manual_payment_fully_pays_the_invoice_and_emits_payment_succeeded_and_invoice_paid()
    {
        var (tenant, client) = await TenantAsync();
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant);
        var paidAt = DateTimeOffset.UtcNow.AddHours(-3);

        var response = await RecordAsync(client, invoiceId, Payment(Total, "BANK-REF-0001", rail: "bank_transfer", paidAt: paidAt, note: "Transfer from BCA"));
        var payment = await HttpAssert.JsonAsync(response, HttpStatusCode.Created);

        var paymentId = payment.GetProperty("id").GetGuid();
        Assert.Equal($"/invoices/{invoiceId}/payments/{paymentId}", response.Headers.Location!.OriginalString);
        Assert.Equal(invoiceId, payment.GetProperty("invoice_id").GetGuid());
        Assert.Equal(Total, payment.GetProperty("amount").GetInt64());
        Assert.Equal("IDR", payment.GetProperty("currency_code").GetString());
        Assert.Equal("bank_transfer", payment.GetProperty("rail").GetString());
        Assert.Equal(JsonValueKind.Null, payment.GetProperty("gateway").ValueKind);
        Assert.Equal(JsonValueKind.Null, payment.GetProperty("gateway_transaction_id").ValueKind);
        Assert.Equal("BANK-REF-0001", payment.GetProperty("reference").GetString());
        Assert.Equal("merchant", payment.GetProperty("source").GetString());
        Assert.True(payment.GetProperty("applied").GetBoolean());
        Assert.Equal("Transfer from BCA", payment.GetProperty("note").GetString());
        Assert.Equal(paidAt.ToUnixTimeMilliseconds(), payment.GetProperty("paid_at").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.True(payment.GetProperty("recorded_at").GetDateTimeOffset() > paidAt);
        var after = payment.GetProperty("invoice");
        Assert.Equal("fully_paid", after.GetProperty("status").GetString());
        Assert.Equal(Total, after.GetProperty("amount_paid").GetInt64());
        Assert.Equal(0, after.GetProperty("amount_due").GetInt64());
        Assert.Equal(0, after.GetProperty("overpayment_amount").GetInt64());

        var invoice = await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}");
        Assert.Equal("fully_paid", invoice.GetProperty("status").GetString());
        Assert.Equal(Total, invoice.GetProperty("amount_paid").GetInt64());
        Assert.NotEqual(JsonValueKind.Null, invoice.GetProperty("paid_at").ValueKind);

        var paymentEvents = await EventsAsync(client, paymentId);
        var succeeded = Assert.Single(paymentEvents, e => e.GetProperty("type").GetString() == "payment.succeeded");
        Assert.Equal(Total, succeeded.GetProperty("payload").GetProperty("amount").GetInt64());
        Assert.Single(await EventsAsync(client, invoiceId), e => e.GetProperty("type").GetString() == "invoice.paid");
        // Exactly what was due: nothing to report.
        Assert.Empty((await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}/discrepancies")).GetProperty("data").EnumerateArray());

        // The Location answers with the same payment and the invoice as it is now.
        var located = await InvoiceApi.GetAsync(client, response.Headers.Location!.OriginalString);
        Assert.Equal(payment.ToString(), located.ToString());
    }

    [Fact]
    public async Task A_payment_is_found_only_under_its_own_invoice()
    {
        var (tenant, client) = await TenantAsync();
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant);
        var otherInvoiceId = await InvoiceApi.CreateIdAsync(factory, tenant);
        var paymentId = (await HttpAssert.JsonAsync(await RecordAsync(client, invoiceId, Payment(1_000, "REF-OWN")), HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var problem = await HttpAssert.Problem.ReadAsync(await client.GetAsync($"/invoices/{otherInvoiceId}/payments/{paymentId}"), HttpStatusCode.NotFound);
        Assert.Equal("payment_not_found", problem.Code);
        await HttpAssert.Problem.ReadAsync(await client.GetAsync($"/invoices/{invoiceId}/payments/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_partial_payment_makes_the_invoice_partially_paid()
    {
        var (tenant, client) = await TenantAsync();
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant);

        var payment = await HttpAssert.JsonAsync(await RecordAsync(client, invoiceId, Payment(100_000, "PART-1")), HttpStatusCode.Created);

        var after = payment.GetProperty("invoice");
        Assert.Equal("partially_paid", after.GetProperty("status").GetString());
        Assert.Equal(100_000, after.GetProperty("amount_paid").GetInt64());
        Assert.Equal(Total - 100_000, after.GetProperty("amount_due").GetInt64());
        var invoice = await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}");
        Assert.Equal("partially_paid", invoice.GetProperty("status").GetString());
        Assert.Equal(Total - 100_000, invoice.GetProperty("amount_due").GetInt64());
        Assert.Single(await EventsAsync(client, invoiceId), e => e.GetProperty("type").GetString() == "invoice.partially_paid");
    }

    [Fact]
    public async Task The_same_reference_again_returns_the_first_payment_with_200_and_applies_nothing_more()
    {
        var (tenant, client) = await TenantAsync();
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant);
        var first = await HttpAssert.JsonAsync(await RecordAsync(client, invoiceId, Payment(50_000, "REPEAT-1")), HttpStatusCode.Created);
        var eventsBefore = await CountEventsAsync(tenant.TenantId);

        var again = await HttpAssert.JsonAsync(await RecordAsync(client, invoiceId, Payment(50_000, "REPEAT-1")), HttpStatusCode.OK);

        Assert.Equal(first.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        Assert.Equal(first.GetProperty("recorded_at").GetString(), again.GetProperty("recorded_at").GetString());
        Assert.Equal(50_000, again.GetProperty("invoice").GetProperty("amount_paid").GetInt64());
        Assert.Equal(50_000, (await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}")).GetProperty("amount_paid").GetInt64());
        Assert.Equal(1, await CountPaymentsAsync(invoiceId));
        Assert.Equal(eventsBefore, await CountEventsAsync(tenant.TenantId));
    }

    [Fact]
    public async Task The_same_reference_on_another_invoice_of_the_tenant_is_409_and_changes_nothing()
    {
        var (tenant, client) = await TenantAsync();
        var first = await InvoiceApi.CreateIdAsync(factory, tenant);
        var second = await InvoiceApi.CreateIdAsync(factory, tenant);
        await HttpAssert.JsonAsync(await RecordAsync(client, first, Payment(10_000, "SHARED-REF")), HttpStatusCode.Created);

        var problem = await HttpAssert.Problem.ReadAsync(await RecordAsync(client, second, Payment(10_000, "SHARED-REF")), HttpStatusCode.Conflict);

        Assert.Equal("payment_reference_reused", problem.Code);
        Assert.Equal(0, (await InvoiceApi.GetAsync(client, $"/invoices/{second}")).GetProperty("amount_paid").GetInt64());
        Assert.Equal(0, await CountPaymentsAsync(second));
    }

    [Fact]
    public async Task References_are_per_tenant_so_another_tenant_may_use_the_same_one()
    {
        var (tenantA, clientA) = await TenantAsync();
        var (tenantB, clientB) = await TenantAsync();

        await HttpAssert.JsonAsync(await RecordAsync(clientA, await InvoiceApi.CreateIdAsync(factory, tenantA), Payment(1_000, "COMMON-REF")), HttpStatusCode.Created);
        await HttpAssert.JsonAsync(await RecordAsync(clientB, await InvoiceApi.CreateIdAsync(factory, tenantB), Payment(1_000, "COMMON-REF")), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Another_currency_is_422_currency_mismatch_and_nothing_is_written()
    {
        var (tenant, client) = await TenantAsync();
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant);
        await HttpAssert.JsonAsync(await RecordAsync(client, invoiceId, Payment(1_000, "BEFORE-1")), HttpStatusCode.Created);
        var eventsBefore = await CountEventsAsync(tenant.TenantId);

        var problem = await HttpAssert.Problem.ReadAsync(await RecordAsync(client, invoiceId, Payment(1_000, "USD-1", currency: "USD")), HttpStatusCode.UnprocessableEntity);

        Assert.Equal("currency_mismatch", problem.Code);
        Assert.Equal(1_000, (await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}")).GetProperty("amount_paid").GetInt64());
        Assert.Equal(1, await CountPaymentsAsync(invoiceId));
        Assert.Equal(eventsBefore, await CountEventsAsync(tenant.TenantId));
        Assert.Empty((await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}/discrepancies")).GetProperty("data").EnumerateArray());
        // The refused reference stays free: it was never recorded.
        await HttpAssert.JsonAsync(await RecordAsync(client, invoiceId, Payment(1_000, "USD-1")), HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_cancelled_invoice_is_409_invoice_not_payable_and_nothing_is_recorded()
    {
        var (tenant, client) = await TenantAsync();
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant);
        await HttpAssert.JsonAsync(await client.PostAsync($"/invoices/{invoiceId}/cancel", null), HttpStatusCode.OK);

        var problem = await HttpAssert.Problem.ReadAsync(await RecordAsync(client, invoiceId, Payment(Total, "LATE-1")), HttpStatusCode.Conflict);

        Assert.Equal("invoice_not_payable", problem.Code);
        Assert.Equal(0, await CountPaymentsAsync(invoiceId));
        Assert.Empty((await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}/discrepancies")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Another_tenants_invoice_is_404_and_nothing_is_recorded()
    {
        var (owner, _) = await TenantAsync();
        var (_, intruder) = await TenantAsync();
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, owner);

        var problem = await HttpAssert.Problem.ReadAsync(await RecordAsync(intruder, invoiceId, Payment(Total, "INTRUDER-1")), HttpStatusCode.NotFound);
        var unknown = await HttpAssert.Problem.ReadAsync(await RecordAsync(intruder, Guid.NewGuid(), Payment(Total, "INTRUDER-2")), HttpStatusCode.NotFound);

        Assert.Equal("invoice_not_found", problem.Code);
        Assert.Equal("invoice_not_found", unknown.Code);
        Assert.Equal(0, await CountPaymentsAsync(invoiceId));
    }

    [Theory]
    [InlineData("amount", "0", "invalid_amount")]
    [InlineData("amount", "-5", "invalid_amount")]
    [InlineData("amount", "1000000000000000001", "invalid_amount")]
    [InlineData("amount", null, "invalid_amount")]
    [InlineData("currency_code", "\"EUR\"", "invalid_currency")]
    [InlineData("currency_code", null, "invalid_currency")]
    [InlineData("reference", "\"\"", "invalid_reference")]
    [InlineData("reference", "\"   \"", "invalid_reference")]
    [InlineData("reference", null, "invalid_reference")]
    [InlineData("rail", "\"card_psp\"", "invalid_rail")]
    [InlineData("rail", null, "invalid_rail")]
    [InlineData("paid_at", "\"2999-01-01T00:00:00Z\"", "invalid_paid_at")]
    [InlineData("paid_at", "\"1999-12-31T23:59:59Z\"", "invalid_paid_at")]
    public async Task An_invalid_field_is_400_with_its_code_and_the_field_named(string field, string? json, string code)
    {
        var (tenant, client) = await TenantAsync();
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant);
        var body = Payment(1_000, "VALID-1");
        body[field] = json is null ? null : JsonNode.Parse(json);

        var problem = await HttpAssert.Problem.ReadAsync(await RecordAsync(client, invoiceId, body), HttpStatusCode.BadRequest);

        Assert.Equal(code, problem.Code);
        Assert.True(problem.Body.GetProperty("errors").TryGetProperty(field, out _), problem.Body.ToString());
        Assert.Equal(0, await CountPaymentsAsync(invoiceId));
    }

    [Fact]
    public async Task Too_long_a_reference_or_note_is_400_with_its_code()
    {
        var (tenant, client) = await TenantAsync();
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant);

        var reference = await HttpAssert.Problem.ReadAsync(await RecordAsync(client, invoiceId, Payment(1_000, new string('r', 256))), HttpStatusCode.BadRequest);
        var note = await HttpAssert.Problem.ReadAsync(await RecordAsync(client, invoiceId, Payment(1_000, "NOTE-1", note: new string('n', 1001))), HttpStatusCode.BadRequest);

        Assert.Equal("invalid_reference", reference.Code);
        Assert.Equal("invalid_note", note.Code);
        // The limits themselves are accepted.
        await HttpAssert.JsonAsync(await RecordAsync(client, invoiceId, Payment(1_000, new string('r', 255), note: new string('n', 1000))), HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_paid_at_a_little_ahead_of_our_clock_is_accepted_as_skew()
    {
        var (tenant, client) = await TenantAsync();
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant);

        var payment = await HttpAssert.JsonAsync(
            await RecordAsync(client, invoiceId, Payment(1_000, "SKEW-1", paidAt: DateTimeOffset.UtcNow.AddMinutes(2))), HttpStatusCode.Created);

        Assert.True(payment.GetProperty("paid_at").GetDateTimeOffset() > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task An_Idempotency_Key_replays_the_201_and_records_once()
    {
        var (tenant, client) = await TenantAsync();
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant);
        var body = Payment(20_000, "IDEM-1");

        var first = await SendKeyedAsync(client, invoiceId, body, "key-record-1");
        var second = await SendKeyedAsync(client, invoiceId, body, "key-record-1");

        var firstPayment = await HttpAssert.JsonAsync(first, HttpStatusCode.Created);
        var replayed = await HttpAssert.JsonAsync(second, HttpStatusCode.Created);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(firstPayment.GetProperty("id").GetGuid(), replayed.GetProperty("id").GetGuid());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1, await CountPaymentsAsync(invoiceId));
        Assert.Equal(20_000, (await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}")).GetProperty("amount_paid").GetInt64());

        // Same key, another body: refused, not replayed.
        var reused = await SendKeyedAsync(client, invoiceId, Payment(20_001, "IDEM-1"), "key-record-1");
        Assert.Equal("idempotency_key_reused", (await HttpAssert.Problem.ReadAsync(reused, HttpStatusCode.UnprocessableEntity)).Code);
    }

    [Fact]
    public async Task More_than_the_first_installment_carries_forward_to_the_next_ones()
    {
        var (tenant, client) = await TenantAsync();
        // 337,000 in 3: 112,333 + 112,333 + 112,334.
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.WithInstallments(3));

        await HttpAssert.JsonAsync(await RecordAsync(client, invoiceId, Payment(150_000, "INST-1")), HttpStatusCode.Created);

        var installments = (await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}/installments")).GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal([112_333L, 112_333L, 112_334L], installments.Select(i => i.GetProperty("amount").GetInt64()));
        Assert.Equal([112_333L, 37_667L, 0L], installments.Select(i => i.GetProperty("amount_paid").GetInt64()));
        Assert.Equal("paid", installments[0].GetProperty("status").GetString());
        Assert.Equal("unpaid", installments[1].GetProperty("status").GetString());
        Assert.Equal("unpaid", installments[2].GetProperty("status").GetString());
        Assert.Single(await EventsAsync(client, invoiceId), e => e.GetProperty("type").GetString() == "installment.paid");
        var invoice = await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}");
        Assert.Equal("partially_paid", invoice.GetProperty("status").GetString());
        Assert.Equal(Total - 150_000, invoice.GetProperty("amount_due").GetInt64());
    }

    [Fact]
    public async Task Overpaying_an_installment_invoice_is_an_overpayment_with_a_signed_difference()
    {
        var (tenant, client) = await TenantAsync();
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.WithInstallments(3));
        await HttpAssert.JsonAsync(await RecordAsync(client, invoiceId, Payment(150_000, "OVER-1")), HttpStatusCode.Created);

        var payment = await HttpAssert.JsonAsync(await RecordAsync(client, invoiceId, Payment(300_000, "OVER-2")), HttpStatusCode.Created);

        const long overpayment = 150_000 + 300_000 - Total;
        var after = payment.GetProperty("invoice");
        Assert.Equal("fully_paid", after.GetProperty("status").GetString());
        Assert.Equal(overpayment, after.GetProperty("overpayment_amount").GetInt64());
        var installments = (await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}/installments")).GetProperty("data").EnumerateArray().ToArray();
        Assert.All(installments, i => Assert.Equal("paid", i.GetProperty("status").GetString()));
        Assert.Equal([112_333L, 112_333L, 112_334L], installments.Select(i => i.GetProperty("amount_paid").GetInt64()));

        var discrepancy = Assert.Single((await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}/discrepancies")).GetProperty("data").EnumerateArray());
        Assert.Equal("overpayment", discrepancy.GetProperty("kind").GetString());
        Assert.Equal(Total - 150_000, discrepancy.GetProperty("expected_amount").GetInt64());
        Assert.Equal(300_000, discrepancy.GetProperty("received_amount").GetInt64());
        Assert.Equal(overpayment, discrepancy.GetProperty("difference").GetInt64());
        Assert.Equal(payment.GetProperty("id").GetGuid(), discrepancy.GetProperty("payment_id").GetGuid());

        var summary = await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}/overpayment");
        Assert.Equal(invoiceId, summary.GetProperty("invoice_id").GetGuid());
        Assert.Equal(Total, summary.GetProperty("total_amount").GetInt64());
        Assert.Equal(450_000, summary.GetProperty("total_paid").GetInt64());
        Assert.Equal(overpayment, summary.GetProperty("overpayment_amount").GetInt64());
        Assert.Equal("IDR", summary.GetProperty("currency_code").GetString());
    }

    [Fact]
    public async Task Sixty_four_distinct_payments_racing_on_one_invoice_are_all_applied_exactly()
    {
        var (tenant, _) = await TenantAsync();
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant, HundredThousandRupiah());
        const int payments = 64;
        const long each = 30_000;
        var clients = Enumerable.Range(0, payments).Select(_ => factory.TenantClient(tenant.ApiKey)).ToArray();
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var racing = clients.Select((client, i) => Task.Run(async () =>
            {
                await start.Task;
                return await RecordAsync(client, invoiceId, Payment(each, $"RACE-{i:D3}"));
            })).ToArray();
            start.SetResult();
            var responses = await Task.WhenAll(racing);

            var statuses = responses.Select(r => (int)r.StatusCode).GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
            Assert.True(statuses.Count == 1 && statuses.ContainsKey(201), "statuses: " + string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}")));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        using var owner = factory.TenantClient(tenant.ApiKey);
        var invoice = await InvoiceApi.GetAsync(owner, $"/invoices/{invoiceId}");
        Assert.Equal(100_000, invoice.GetProperty("total_amount").GetInt64());
        Assert.Equal("fully_paid", invoice.GetProperty("status").GetString());
        Assert.Equal(payments * each, invoice.GetProperty("amount_paid").GetInt64());
        Assert.Equal(payments * each - 100_000, invoice.GetProperty("overpayment_amount").GetInt64());
        Assert.Equal(payments, await CountPaymentsAsync(invoiceId));
        Assert.Equal(payments, await CountEventsAsync(tenant.TenantId, "payment.succeeded"));
        Assert.Equal(1, await CountEventsAsync(tenant.TenantId, "invoice.paid"));

        // Every payment beyond the total shows as an overpayment, and together they are exactly the invoice's overpayment.
        var discrepancies = (await InvoiceApi.GetAsync(owner, $"/invoices/{invoiceId}/discrepancies")).GetProperty("data").EnumerateArray().ToArray();
        Assert.All(discrepancies, d => Assert.Equal("overpayment", d.GetProperty("kind").GetString()));
        Assert.Equal(payments - 3, discrepancies.Length);
        Assert.Equal(payments * each - 100_000, discrepancies.Sum(d => d.GetProperty("difference").GetInt64()));
    }

    [Fact]
    public async Task A_recorded_payment_is_counted_once_by_rail_and_source_and_a_refused_or_repeated_one_is_not()
    {
        using var received = new ReceivedPayments(factory.Services.GetRequiredService<IMeterFactory>());
        var (tenant, client) = await TenantAsync();
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant);

        await HttpAssert.JsonAsync(await RecordAsync(client, invoiceId, Payment(1_000, "COUNTED-1", rail: "bank_transfer")), HttpStatusCode.Created);
        await HttpAssert.Problem.ReadAsync(await RecordAsync(client, invoiceId, Payment(1_000, "COUNTED-2", rail: "card_psp")), HttpStatusCode.BadRequest);
        await HttpAssert.JsonAsync(await RecordAsync(client, invoiceId, Payment(1_000, "COUNTED-1", rail: "bank_transfer")), HttpStatusCode.OK);

        Assert.Equal([("bank_transfer", "none", "merchant", "true")], received.Counted);
    }

    /// <summary>paytrust.payment.received of this factory's meters, while it lives.</summary>
    private sealed class ReceivedPayments : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string?, string?, string?, string?)> _counted = new();

        public ReceivedPayments(IMeterFactory meters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == "paytrust.payment.received")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                var byKey = tags.ToArray().ToDictionary(tag => tag.Key, tag => (string?)tag.Value);
                _counted.Enqueue((byKey["rail"], byKey["gateway"], byKey["source"], byKey["applied"]));
            });
            _listener.Start();
        }

        public IReadOnlyList<(string?, string?, string?, string?)> Counted => _counted.ToArray();

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>IDR, sandbox (1 % + 1,000 fee), no tax: 98,020 + round(980.2) + 1,000 = 100,000 exactly.</summary>
    internal static JsonObject HundredThousandRupiah()
    {
        var body = InvoiceApi.Body();
        body["line_items"] = new JsonArray(InvoiceApi.Line("Course", 1, 98_020));
        return body;
    }

    internal static JsonObject Payment(
        long amount, string reference, string currency = "IDR", string rail = "manual_settlement", DateTimeOffset? paidAt = null, string? note = null)
    {
        var body = new JsonObject { ["amount"] = amount, ["currency_code"] = currency, ["reference"] = reference, ["rail"] = rail };
        if (paidAt is { } at)
        {
            body["paid_at"] = at.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        if (note is not null)
        {
            body["note"] = note;
        }

        return body;
    }

    internal static Task<HttpResponseMessage> RecordAsync(HttpClient client, Guid invoiceId, JsonNode body) =>
        InvoiceApi.SendJsonAsync(client, HttpMethod.Post, $"/invoices/{invoiceId}/payments", body);

    private static Task<HttpResponseMessage> SendKeyedAsync(HttpClient client, Guid invoiceId, JsonNode body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/invoices/{invoiceId}/payments")
        {
            Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private async Task<(TestTenant Tenant, HttpClient Client)> TenantAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        return (tenant, factory.TenantClient(tenant.ApiKey));
    }

    private static async Task<JsonElement[]> EventsAsync(HttpClient client, Guid subjectId) =>
        (await InvoiceApi.GetAsync(client, $"/events?subject_id={subjectId}&page_size=100")).GetProperty("data").EnumerateArray().ToArray();

    private async Task<long> CountPaymentsAsync(Guid invoiceId)
    {
        await using var connection = await factory.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM payments WHERE invoice_id = @InvoiceId", new { InvoiceId = invoiceId });
    }

    private async Task<long> CountEventsAsync(Guid tenantId, string? type = null)
    {
        await using var connection = await factory.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM outbox_events WHERE tenant_id = @TenantId AND (@Type IS NULL OR type = @Type)", new { TenantId = tenantId, Type = type });
    }
}
