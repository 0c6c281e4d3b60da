using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using PayTrust.Application.Common;
using PayTrust.Domain.Invoices;

namespace PayTrust.Api.Tests.Invoices;

public class InvoiceCreationTests(PayTrustApiFactory factory) : IClassFixture<PayTrustApiFactory>
{
    [Fact]
    public async Task Creates_an_invoice_with_totals_payment_link_and_reference_in_one_call()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);

        var response = await InvoiceApi.PostAsync(client, InvoiceApi.Body());

        var invoice = await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
        var id = invoice.GetProperty("id").GetGuid();
        Assert.Equal($"/invoices/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("draft", invoice.GetProperty("status").GetString());
        Assert.Equal(300_000, invoice.GetProperty("subtotal_amount").GetInt64());
        Assert.Equal(33_000, invoice.GetProperty("total_tax_amount").GetInt64());
        Assert.Equal(4_000, invoice.GetProperty("total_service_fee_amount").GetInt64());
        Assert.Equal(337_000, invoice.GetProperty("total_amount").GetInt64());
        Assert.Equal(0, invoice.GetProperty("amount_paid").GetInt64());
        Assert.Equal(337_000, invoice.GetProperty("amount_due").GetInt64());
        Assert.Equal("sandbox", invoice.GetProperty("gateway").GetString());
        Assert.Matches("^https://pay\\.example\\.test/pay/[A-Za-z0-9_-]{22}$", invoice.GetProperty("payment_url").GetString());
        Assert.True(PaymentReference.IsWellFormed(invoice.GetProperty("payment_reference").GetString()));
        Assert.Equal("0.11", invoice.GetProperty("line_items")[0].GetProperty("tax_rate").GetString());
        Assert.Equal(Instant(invoice, "created_at") + Duration.FromHours(24), Instant(invoice, "expires_at"));
        Assert.Equal(JsonValueKind.Null, invoice.GetProperty("payment_initiated_at").ValueKind);
        Assert.Equal("1001", invoice.GetProperty("metadata").GetProperty("order").GetString());
        Assert.False(invoice.TryGetProperty("installment_schedule", out _), "a single-payment invoice has no installment_schedule");
        Assert.Equal(invoice.GetRawText(), (await InvoiceApi.GetAsync(client, $"/invoices/{id}")).GetRawText());
    }

    [Fact]
    public async Task The_invoice_resource_shape_is_pinned()
    {
        var tenant = await factory.CreateTenantAsync();
        var body = InvoiceApi.WithInstallments(3);
        body["external_id"] = "ORDER-SNAPSHOT";
        ((JsonArray)body["line_items"]!).Add(InvoiceApi.Line("Socks", 3, 25_000, "0.0725", country: null));

        var invoice = await InvoiceApi.CreateAsync(factory, tenant, body);

        // Ids, times and random tokens differ per run; everything else is pinned.
        Snapshooter.Xunit.Snapshot.Match(Normalise(invoice));
    }

    [Fact]
    public async Task Rates_are_exact_whether_sent_as_numbers_or_strings_and_half_away_from_zero_rounds_up()
    {
        var tenant = await factory.CreateTenantAsync();
        var body = InvoiceApi.Body();
        body["currency_code"] = "USD";
        var asString = InvoiceApi.Line("Cable", 1, 250, "0.11");
        asString["tax_rate"] = "0.11";
        body["line_items"] = new JsonArray(asString, InvoiceApi.Line("Plug", 1, 250, "0.11"));

        var invoice = await InvoiceApi.CreateAsync(factory, tenant, body);

        // USD 2.50 × 0.11 = 27.5 cents → 28 on each line; fee 1 % of 500 = 5 + 25 fixed = 30.
        Assert.All(invoice.GetProperty("line_items").EnumerateArray(), line => Assert.Equal(28, line.GetProperty("tax_amount").GetInt64()));
        Assert.Equal(56, invoice.GetProperty("total_tax_amount").GetInt64());
        Assert.Equal(30, invoice.GetProperty("total_service_fee_amount").GetInt64());
        Assert.Equal(586, invoice.GetProperty("total_amount").GetInt64());
    }

    [Fact]
    public async Task One_million_rupiah_in_two_installments_is_two_halves_with_their_share_of_the_fee()
    {
        var tenant = await factory.CreateTenantAsync();

        var invoice = await InvoiceApi.CreateAsync(factory, tenant, InvoiceApi.WithInstallments(2, InvoiceApi.OneMillionRupiah()));

        Assert.Equal(1_000_000, invoice.GetProperty("total_amount").GetInt64());
        var schedule = invoice.GetProperty("installment_schedule").EnumerateArray().ToArray();
        Assert.Equal([500_000L, 500_000L], schedule.Select(i => i.GetProperty("amount").GetInt64()));
        Assert.Equal([5_445L, 5_446L], schedule.Select(i => i.GetProperty("service_fee").GetInt64()));
        Assert.Equal(invoice.GetProperty("subtotal_amount").GetInt64(), schedule.Sum(i => i.GetProperty("subtotal").GetInt64()));
        Assert.Equal(Instant(invoice, "created_at") + Duration.FromDays(30), Instant(schedule[0], "due_date"));
        Assert.Equal(Instant(invoice, "created_at") + Duration.FromDays(60), Instant(schedule[1], "due_date"));
        Assert.Equal(Instant(schedule[1], "due_date") + Duration.FromHours(24), Instant(invoice, "expires_at"));
        Assert.Equal([invoice.GetProperty("payment_url").GetString(), null], schedule.Select(i => i.GetProperty("payment_url").GetString()));
        Assert.All(schedule, i => Assert.Equal("unpaid", i.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Custom_installment_amounts_are_kept_as_given()
    {
        var tenant = await factory.CreateTenantAsync();

        var invoice = await InvoiceApi.CreateAsync(factory, tenant, InvoiceApi.WithInstallments(2, InvoiceApi.OneMillionRupiah(), amounts: [200_000, 800_000]));

        var schedule = invoice.GetProperty("installment_schedule").EnumerateArray().ToArray();
        Assert.Equal([200_000L, 800_000L], schedule.Select(i => i.GetProperty("amount").GetInt64()));
        // fee 10,891: floor(10,891 × 0.2) = 2,178, the rest on the last.
        Assert.Equal([2_178L, 8_713L], schedule.Select(i => i.GetProperty("service_fee").GetInt64()));
    }

    [Fact]
    public async Task Explicit_due_dates_set_the_schedule_and_the_default_expiry()
    {
        var tenant = await factory.CreateTenantAsync();
        var first = (SystemClock.Instance.GetCurrentInstant() + Duration.FromDays(7)).ToStoragePrecision();
        var body = InvoiceApi.WithInstallments(2);
        body["installments"]!["due_dates"] = new JsonArray(Iso(first), Iso(first + Duration.FromDays(14)));

        var invoice = await InvoiceApi.CreateAsync(factory, tenant, body);

        var dueDates = invoice.GetProperty("installment_schedule").EnumerateArray().Select(i => Instant(i, "due_date")).ToArray();
        Assert.Equal([first, first + Duration.FromDays(14)], dueDates);
        Assert.Equal(dueDates[1] + Duration.FromHours(24), Instant(invoice, "expires_at"));
    }

    [Fact]
    public async Task Without_a_gateway_the_platform_default_is_used()
    {
        var tenant = await factory.CreateTenantAsync();
        var body = InvoiceApi.Body();
        body.Remove("gateway");

        var invoice = await InvoiceApi.CreateAsync(factory, tenant, body);

        Assert.Equal("sandbox", invoice.GetProperty("gateway").GetString());
    }

    [Fact]
    public async Task Fields_a_client_may_not_set_are_ignored_along_with_unknown_ones()
    {
        var tenant = await factory.CreateTenantAsync();
        var body = InvoiceApi.Body();
        var forgedId = Guid.NewGuid();
        body["id"] = forgedId;
        body["tenant_id"] = Guid.NewGuid();
        body["status"] = "fully_paid";
        body["total_amount"] = 1;
        body["amount_paid"] = 337_000;
        body["payment_reference"] = "PT22222222X";
        body["favourite_colour"] = "blue";

        var invoice = await InvoiceApi.CreateAsync(factory, tenant, body);

        Assert.NotEqual(forgedId, invoice.GetProperty("id").GetGuid());
        Assert.Equal("draft", invoice.GetProperty("status").GetString());
        Assert.Equal(337_000, invoice.GetProperty("total_amount").GetInt64());
        Assert.Equal(0, invoice.GetProperty("amount_paid").GetInt64());
        Assert.NotEqual("PT22222222X", invoice.GetProperty("payment_reference").GetString());
    }

    public static TheoryData<string, string, string, string?> Refusals => new()
    {
        // case, status code (as text), problem code, detail (null: any)
        { "currency EUR", "400", "invalid_currency", "Invalid currency code: EUR - must be a supported ISO 4217 code (IDR, MYR, USD)" },
        { "currency lower case", "400", "invalid_currency", "Invalid currency code: idr - must be a supported ISO 4217 code (IDR, MYR, USD)" },
        { "tax rate above 1", "400", "invalid_tax_rate", "Invalid tax_rate: must be between 0 and 1.0 with max 4 decimal places" },
        { "tax rate with 5 places", "400", "invalid_tax_rate", "Invalid tax_rate: must be between 0 and 1.0 with max 4 decimal places" },
        { "negative tax rate", "400", "invalid_tax_rate", "Invalid tax_rate: must be between 0 and 1.0 with max 4 decimal places" },
        { "country XX", "400", "invalid_country_code", "Invalid country code: XX - must be valid ISO 3166-1 alpha-2 code" },
        { "negative unit price", "400", "invalid_amount", null },
        { "unit price above 10^15", "400", "invalid_amount", null },
        { "fractional unit price", "400", "malformed_json", null },
        { "quantity 0", "400", "validation_failed", "quantity must be between 1 and 1000000" },
        { "quantity above a million", "400", "validation_failed", "quantity must be between 1 and 1000000" },
        { "no line items", "400", "invalid_line_items", "line_items must have 1 to 100 items" },
        { "101 line items", "400", "invalid_line_items", "line_items must have 1 to 100 items" },
        { "empty product name", "400", "validation_failed", "product_name must be 1 to 255 characters" },
        { "unknown gateway", "400", "invalid_gateway", "Invalid gateway: paypal not found" },
        { "midtrans in USD", "400", "unsupported_currency", "Gateway midtrans does not support currency USD" },
        { "expiry in the past", "400", "invalid_expiration", "Expiration time cannot be in the past" },
        { "expiry in 30 minutes", "400", "invalid_expiration", "Expiration must be at least 1 hour from creation time" },
        { "expiry in 31 days", "400", "invalid_expiration", "Expiration must be within 30 days from creation time" },
        { "expiry before the last installment", "400", "invalid_expiration", null },
        { "13 installments", "400", "invalid_installments", "installments.count must be between 2 and 12" },
        { "installment amounts off by one", "400", "installment_sum_mismatch", "Installment amounts sum to 336999 but total_amount is 337000" },
        { "zero installment amount", "400", "installment_amount_too_small", null },
        { "due dates not increasing", "400", "invalid_due_dates", "Installment due dates must be strictly increasing" },
        { "due date near the end of time", "400", "invalid_due_dates", "Installment due dates must be within 4392 days of creation" },
        { "metadata over 4 KiB", "400", "invalid_metadata", "metadata must be a JSON object of at most 4096 bytes" },
        { "external id too long", "400", "validation_failed", "external_id must be 1 to 255 characters" },
        { "unknown status enum", "400", "malformed_json", null },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Every_refusal_has_its_code_and_message_and_writes_nothing(string name, string status, string code, string? detail)
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);

        var response = await InvoiceApi.PostAsync(client, Refused(name));

        var problem = await HttpAssert.Problem.ReadAsync(response, (HttpStatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(code, problem.Code);
        if (detail is not null)
        {
            Assert.Equal(detail, problem.Detail);
        }

        Assert.Equal(0, await InvoiceApi.CountRowsAsync(factory, tenant.TenantId));
    }

    [Fact]
    public async Task Validation_errors_name_the_field_as_the_client_wrote_it()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var body = InvoiceApi.Body();
        body["line_items"]![0]!["tax_rate"] = 1.5m;
        body["line_items"]![0]!["country_code"] = "ZZ";

        var problem = await HttpAssert.Problem.ReadAsync(await InvoiceApi.PostAsync(client, body), HttpStatusCode.BadRequest);

        var errors = problem.Body.GetProperty("errors");
        Assert.Equal("Invalid tax_rate: must be between 0 and 1.0 with max 4 decimal places", errors.GetProperty("line_items[0].tax_rate")[0].GetString());
        Assert.Equal("Invalid country code: ZZ - must be valid ISO 3166-1 alpha-2 code", errors.GetProperty("line_items[0].country_code")[0].GetString());
    }

    [Fact]
    public async Task A_second_invoice_with_the_same_external_id_is_409_naming_the_first()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var body = InvoiceApi.Body();
        body["external_id"] = "ORDER-1001";
        var first = await InvoiceApi.CreateAsync(factory, tenant, body);
        var rowsAfterFirst = await InvoiceApi.CountRowsAsync(factory, tenant.TenantId);

        var problem = await HttpAssert.Problem.ReadAsync(await InvoiceApi.PostAsync(client, body), HttpStatusCode.Conflict);

        Assert.Equal("duplicate_external_id", problem.Code);
        Assert.Contains(first.GetProperty("id").GetGuid().ToString(), problem.Detail, StringComparison.Ordinal);
        Assert.Equal(rowsAfterFirst, await InvoiceApi.CountRowsAsync(factory, tenant.TenantId));
        // External ids are the merchant's own: another tenant may use the same one.
        await InvoiceApi.CreateAsync(factory, other, body);
    }

    [Fact]
    public async Task External_ids_are_compared_exactly_so_case_and_accents_make_different_orders()
    {
        var tenant = await factory.CreateTenantAsync();
        foreach (var externalId in new[] { "ORDER-7", "order-7", "ORDÉR-7" })
        {
            var body = InvoiceApi.Body();
            body["external_id"] = externalId;
            Assert.Equal(externalId, (await InvoiceApi.CreateAsync(factory, tenant, body)).GetProperty("external_id").GetString());
        }

        using var client = factory.TenantClient(tenant.ApiKey);
        Assert.Equal(1, (await InvoiceApi.GetAsync(client, "/invoices?external_id=order-7")).GetProperty("pagination").GetProperty("total_count").GetInt64());
    }

    [Fact]
    public async Task Racing_creations_with_one_external_id_make_one_invoice()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var body = InvoiceApi.Body();
        body["external_id"] = "ORDER-RACE";

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => InvoiceApi.PostAsync(client, body)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        using var list = await client.GetAsync("/invoices?external_id=ORDER-RACE");
        Assert.Equal(1, (await HttpAssert.JsonAsync(list, HttpStatusCode.OK)).GetProperty("pagination").GetProperty("total_count").GetInt64());
    }

    [Fact]
    public async Task The_same_Idempotency_Key_replays_the_invoice_instead_of_making_another()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        client.DefaultRequestHeaders.Add("Idempotency-Key", "create-1001");

        var first = await InvoiceApi.PostAsync(client, InvoiceApi.Body());
        var second = await InvoiceApi.PostAsync(client, InvoiceApi.Body());

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(
            (await HttpAssert.JsonAsync(first, HttpStatusCode.Created)).GetProperty("id").GetGuid(),
            (await HttpAssert.JsonAsync(second, HttpStatusCode.Created)).GetProperty("id").GetGuid());
        using var list = await client.GetAsync("/invoices");
        Assert.Equal(1, (await HttpAssert.JsonAsync(list, HttpStatusCode.OK)).GetProperty("pagination").GetProperty("total_count").GetInt64());
    }

    [Fact]
    public async Task Deeply_nested_metadata_is_400_not_a_crash()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var body = InvoiceApi.Body().ToJsonString().Replace("\"metadata\":{\"order\":\"1001\"}", "\"metadata\":" + new string('[', 200) + new string(']', 200), StringComparison.Ordinal);

        var response = await client.PostAsync("/invoices", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal("malformed_json", (await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.BadRequest)).Code);
    }

    private static JsonObject Refused(string name)
    {
        var body = InvoiceApi.Body();
        var line = body["line_items"]![0]!.AsObject();
        var now = SystemClock.Instance.GetCurrentInstant();
        switch (name)
        {
            case "currency EUR": body["currency_code"] = "EUR"; break;
            case "currency lower case": body["currency_code"] = "idr"; break;
            case "tax rate above 1": line["tax_rate"] = 1.5m; break;
            case "tax rate with 5 places": line["tax_rate"] = "0.12345"; break;
            case "negative tax rate": line["tax_rate"] = -0.1m; break;
            case "country XX": line["country_code"] = "XX"; break;
            case "negative unit price": line["unit_price"] = -1; break;
            case "unit price above 10^15": line["unit_price"] = 1_000_000_000_000_001L; break;
            case "fractional unit price": line["unit_price"] = 1.5m; break;
            case "quantity 0": line["quantity"] = 0; break;
            case "quantity above a million": line["quantity"] = 1_000_001; break;
            case "no line items": body["line_items"] = new JsonArray(); break;
            case "101 line items": body["line_items"] = new JsonArray(Enumerable.Range(0, 101).Select(i => (JsonNode)InvoiceApi.Line($"Item {i}", 1, 100)).ToArray()); break;
            case "empty product name": line["product_name"] = ""; break;
            case "unknown gateway": body["gateway"] = "paypal"; break;
            case "midtrans in USD": body["gateway"] = "midtrans"; body["currency_code"] = "USD"; break;
            case "expiry in the past": body["expires_at"] = Iso(now - Duration.FromMinutes(5)); break;
            case "expiry in 30 minutes": body["expires_at"] = Iso(now + Duration.FromMinutes(30)); break;
            case "expiry in 31 days": body["expires_at"] = Iso(now + Duration.FromDays(31)); break;
            case "expiry before the last installment":
                body = InvoiceApi.WithInstallments(3, body);
                body["expires_at"] = Iso(now + Duration.FromDays(2));
                break;
            case "13 installments": body = InvoiceApi.WithInstallments(13, body); break;
            case "installment amounts off by one": body = InvoiceApi.WithInstallments(2, body, amounts: [100_000, 236_999]); break;
            case "zero installment amount": body = InvoiceApi.WithInstallments(2, body, amounts: [0, 337_000]); break;
            case "due dates not increasing":
                body = InvoiceApi.WithInstallments(2, body);
                body["installments"]!["due_dates"] = new JsonArray(Iso(now + Duration.FromDays(20)), Iso(now + Duration.FromDays(10)));
                break;
            case "due date near the end of time":
                body = InvoiceApi.WithInstallments(2, body);
                body["installments"]!["due_dates"] = new JsonArray(Iso(now + Duration.FromDays(10)), "9999-12-31T12:00:00Z");
                break;
            case "metadata over 4 KiB": body["metadata"] = new JsonObject { ["notes"] = new string('n', 4100) }; break;
            case "external id too long": body["external_id"] = new string('e', 256); break;
            case "unknown status enum": body["installments"] = new JsonObject { ["count"] = "two" }; break;
            default: throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }

        return body;
    }

    private static string Iso(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    private static Instant Instant(JsonElement element, string property) =>
        InstantPattern.ExtendedIso.Parse(element.GetProperty(property).GetString()!).Value;

    private static string Normalise(JsonElement invoice)
    {
        var node = JsonNode.Parse(invoice.GetRawText())!.AsObject();
        foreach (var field in new[] { "id", "created_at", "expires_at", "payment_url", "payment_reference" })
        {
            node[field] = $"<{field}>";
        }

        foreach (var line in node["line_items"]!.AsArray())
        {
            line!["id"] = "<line_id>";
        }

        foreach (var installment in node["installment_schedule"]!.AsArray())
        {
            installment!["due_date"] = "<due_date>";
            if (installment["payment_url"] is not null)
            {
                installment["payment_url"] = "<payment_url>";
            }
        }

        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
