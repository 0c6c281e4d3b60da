using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;

namespace PayTrust.Api.Tests.Invoices;

public class InvoiceLifecycleTests(PayTrustApiFactory factory) : IClassFixture<PayTrustApiFactory>
{
    [Fact]
    public async Task A_draft_can_be_revised_and_its_totals_and_schedule_are_recomputed()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var id = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.WithInstallments(2));
        var patch = new JsonObject
        {
            ["description"] = "Order 1001, revised",
            ["line_items"] = new JsonArray(InvoiceApi.Line("Boots", 1, 500_000, "0.11")),
        };

        var revised = await HttpAssert.JsonAsync(await InvoiceApi.SendJsonAsync(client, HttpMethod.Patch, $"/invoices/{id}", patch), HttpStatusCode.OK);

        // 500,000 + 55,000 tax + (5,000 + 1,000) fee.
        Assert.Equal(561_000, revised.GetProperty("total_amount").GetInt64());
        Assert.Equal("Order 1001, revised", revised.GetProperty("description").GetString());
        Assert.Equal("Budi Santoso", revised.GetProperty("customer").GetProperty("name").GetString());
        var schedule = revised.GetProperty("installment_schedule").EnumerateArray().Select(i => i.GetProperty("amount").GetInt64()).ToArray();
        Assert.Equal([280_500L, 280_500L], schedule);
        Assert.Equal(revised.GetRawText(), (await InvoiceApi.GetAsync(client, $"/invoices/{id}")).GetRawText());
        Assert.Equal(["invoice.updated", "invoice.created"], await EventTypesAsync(client, id));
    }

    [Fact]
    public async Task Changing_the_gateway_of_a_draft_takes_the_new_gateways_fee_rule()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var id = await InvoiceApi.CreateIdAsync(factory, tenant);
        var withoutCredentials = await InvoiceApi.SendJsonAsync(client, HttpMethod.Patch, $"/invoices/{id}", new JsonObject { ["gateway"] = "xendit" });
        await InvoiceApi.SetGatewayCredentialsAsync(factory, tenant, "xendit");

        var revised = await HttpAssert.JsonAsync(
            await InvoiceApi.SendJsonAsync(client, HttpMethod.Patch, $"/invoices/{id}", new JsonObject { ["gateway"] = "xendit" }), HttpStatusCode.OK);

        Assert.Equal("credentials_missing", (await HttpAssert.Problem.ReadAsync(withoutCredentials, HttpStatusCode.UnprocessableEntity)).Code);

        // Xendit IDR: 2.9 % of 300,000 = 8,700 + 2,000.
        Assert.Equal(10_700, revised.GetProperty("total_service_fee_amount").GetInt64());
        var refused = await InvoiceApi.SendJsonAsync(client, HttpMethod.Patch, $"/invoices/{id}", new JsonObject { ["gateway"] = "nope" });
        Assert.Equal("invalid_gateway", (await HttpAssert.Problem.ReadAsync(refused, HttpStatusCode.BadRequest)).Code);
    }

    [Fact]
    public async Task Once_payment_is_initiated_the_invoice_is_immutable()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var id = await InvoiceApi.CreatePendingIdAsync(factory, tenant);
        var before = await InvoiceApi.GetAsync(client, $"/invoices/{id}");

        var response = await InvoiceApi.SendJsonAsync(client, HttpMethod.Patch, $"/invoices/{id}",
            new JsonObject { ["line_items"] = new JsonArray(InvoiceApi.Line("Boots", 1, 500_000)) });

        var problem = await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("invoice_immutable", problem.Code);
        Assert.Equal("Cannot modify line items after payment initiated", problem.Detail);
        Assert.Equal(before.GetRawText(), (await InvoiceApi.GetAsync(client, $"/invoices/{id}")).GetRawText());
    }

    [Fact]
    public async Task Cancelling_a_draft_cancels_it_once()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var id = await InvoiceApi.CreateIdAsync(factory, tenant);

        var cancelled = await HttpAssert.JsonAsync(await client.PostAsync($"/invoices/{id}/cancel", null), HttpStatusCode.OK);
        var again = await client.PostAsync($"/invoices/{id}/cancel", null);
        var revise = await InvoiceApi.SendJsonAsync(client, HttpMethod.Patch, $"/invoices/{id}", new JsonObject { ["description"] = "x" });

        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, cancelled.GetProperty("cancelled_at").ValueKind);
        Assert.Equal("invoice_not_cancellable", (await HttpAssert.Problem.ReadAsync(again, HttpStatusCode.Conflict)).Code);
        Assert.Equal("invoice_immutable", (await HttpAssert.Problem.ReadAsync(revise, HttpStatusCode.Conflict)).Code);
        Assert.Equal(["invoice.cancelled", "invoice.created"], await EventTypesAsync(client, id));
    }

    [Fact]
    public async Task Racing_cancellations_cancel_once_and_raise_one_event()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var id = await InvoiceApi.CreateIdAsync(factory, tenant);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.PostAsync($"/invoices/{id}/cancel", null)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(["invoice.cancelled", "invoice.created"], await EventTypesAsync(client, id));
    }

    [Fact]
    public async Task An_invoice_with_money_applied_cannot_be_cancelled()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var id = await InvoiceApi.CreatePendingIdAsync(factory, tenant, InvoiceApi.WithInstallments(2));
        await PayFirstInstallmentAsync(id);

        var response = await client.PostAsync($"/invoices/{id}/cancel", null);

        var problem = await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("invoice_not_cancellable", problem.Code);
        Assert.Equal("partially_paid", (await InvoiceApi.GetAsync(client, $"/invoices/{id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_supplementary_invoice_inherits_currency_and_gateway_and_links_both_ways()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        await InvoiceApi.SetGatewayCredentialsAsync(factory, tenant, "xendit");
        var body = InvoiceApi.Body();
        body["currency_code"] = "MYR";
        body["gateway"] = "xendit";
        var parentId = await InvoiceApi.CreatePendingIdAsync(factory, tenant, body);

        var response = await InvoiceApi.PostJsonAsync(client, $"/invoices/{parentId}/supplementary", new
        {
            external_id = "ORDER-1001-EXTRA",
            line_items = new[] { new { product_name = "Gift wrap", quantity = 1, unit_price = 500, tax_rate = "0.06" } },
            installments = new { count = 2, interval_days = 7 },
        });

        var child = await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal($"/invoices/{child.GetProperty("id").GetGuid()}", response.Headers.Location?.OriginalString);
        Assert.Equal("MYR", child.GetProperty("currency_code").GetString());
        Assert.Equal("xendit", child.GetProperty("gateway").GetString());
        Assert.Equal("draft", child.GetProperty("status").GetString());
        Assert.Equal(parentId, child.GetProperty("parent_invoice_id").GetGuid());
        Assert.Equal("Budi Santoso", child.GetProperty("customer").GetProperty("name").GetString());
        // 500 + 30 tax + Xendit MYR fee round(500 × 0.028) = 14 + 100.
        Assert.Equal(644, child.GetProperty("total_amount").GetInt64());
        Assert.Equal(2, child.GetProperty("installment_schedule").GetArrayLength());
        var parent = await InvoiceApi.GetAsync(client, $"/invoices/{parentId}");
        Assert.Equal([child.GetProperty("id").GetGuid()], parent.GetProperty("supplementary_invoice_ids").EnumerateArray().Select(e => e.GetGuid()));
        Assert.Equal("pending", parent.GetProperty("status").GetString());
        // Cancelling answers with the invoice as it is now, its supplementary invoices included.
        var cancelled = await HttpAssert.JsonAsync(await client.PostAsync($"/invoices/{parentId}/cancel", null), HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal([child.GetProperty("id").GetGuid()], cancelled.GetProperty("supplementary_invoice_ids").EnumerateArray().Select(e => e.GetGuid()));
    }

    [Theory]
    [InlineData("draft", "Cannot create supplementary invoice for draft parent invoice")]
    [InlineData("cancelled", "Cannot create supplementary invoice for cancelled parent invoice")]
    public async Task A_supplementary_invoice_needs_a_parent_whose_payment_has_begun(string parentStatus, string message)
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var parentId = await InvoiceApi.CreateIdAsync(factory, tenant);
        if (parentStatus == "cancelled")
        {
            await HttpAssert.JsonAsync(await client.PostAsync($"/invoices/{parentId}/cancel", null), HttpStatusCode.OK);
        }

        var rows = await InvoiceApi.CountRowsAsync(factory, tenant.TenantId);
        var response = await InvoiceApi.PostJsonAsync(client, $"/invoices/{parentId}/supplementary", SupplementaryBody());

        var problem = await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("invalid_parent_status", problem.Code);
        Assert.Equal(message, problem.Detail);
        Assert.Equal(rows, await InvoiceApi.CountRowsAsync(factory, tenant.TenantId));
    }

    [Fact]
    public async Task A_supplementary_invoice_cannot_have_supplementary_invoices_of_its_own()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var parentId = await InvoiceApi.CreatePendingIdAsync(factory, tenant);
        var child = await HttpAssert.JsonAsync(await InvoiceApi.PostJsonAsync(client, $"/invoices/{parentId}/supplementary", SupplementaryBody()), HttpStatusCode.Created);
        var childId = child.GetProperty("id").GetGuid();
        await InvoiceApi.MarkPendingAsync(factory, childId);

        var response = await InvoiceApi.PostJsonAsync(client, $"/invoices/{childId}/supplementary", SupplementaryBody());

        var problem = await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("supplementary_chaining", problem.Code);
        Assert.Equal("Cannot create supplementary invoice from another supplementary invoice", problem.Detail);
    }

    [Fact]
    public async Task A_supplementary_invoice_keeps_the_gateway_and_customer_of_its_parent()
    {
        var tenant = await factory.CreateTenantAsync();
        await InvoiceApi.SetGatewayCredentialsAsync(factory, tenant, "xendit");
        using var client = factory.TenantClient(tenant.ApiKey);
        var parentId = await InvoiceApi.CreatePendingIdAsync(factory, tenant);
        var child = await HttpAssert.JsonAsync(await InvoiceApi.PostJsonAsync(client, $"/invoices/{parentId}/supplementary", SupplementaryBody()), HttpStatusCode.Created);
        var childId = child.GetProperty("id").GetGuid();

        var gateway = await InvoiceApi.SendJsonAsync(client, HttpMethod.Patch, $"/invoices/{childId}", new JsonObject { ["gateway"] = "xendit" });
        var customer = await InvoiceApi.SendJsonAsync(client, HttpMethod.Patch, $"/invoices/{childId}", new JsonObject { ["customer"] = new JsonObject { ["name"] = "Someone else" } });
        var description = await InvoiceApi.SendJsonAsync(client, HttpMethod.Patch, $"/invoices/{childId}", new JsonObject { ["description"] = "Gift wrap" });

        Assert.Equal("supplementary_inherited", (await HttpAssert.Problem.ReadAsync(gateway, HttpStatusCode.UnprocessableEntity)).Code);
        Assert.Equal("supplementary_inherited", (await HttpAssert.Problem.ReadAsync(customer, HttpStatusCode.UnprocessableEntity)).Code);
        Assert.Equal("sandbox", (await HttpAssert.JsonAsync(description, HttpStatusCode.OK)).GetProperty("gateway").GetString());
    }

    [Fact]
    public async Task Due_dates_sent_with_a_revision_must_lie_ahead_of_the_revision()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var id = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.WithInstallments(2));
        var past = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var future = DateTimeOffset.UtcNow.AddDays(5).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        var response = await InvoiceApi.SendJsonAsync(client, HttpMethod.Patch, $"/invoices/{id}",
            new JsonObject { ["installments"] = new JsonObject { ["count"] = 2, ["due_dates"] = new JsonArray(past, future) } });

        Assert.Equal("invalid_due_dates", (await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.BadRequest)).Code);
    }

    [Fact]
    public async Task A_supplementary_invoice_for_an_unknown_parent_is_404()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);

        var response = await InvoiceApi.PostJsonAsync(client, $"/invoices/{Guid.NewGuid()}/supplementary", SupplementaryBody());

        Assert.Equal("invoice_not_found", (await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.NotFound)).Code);
    }

    [Fact]
    public async Task Installments_are_listed_with_the_link_only_on_the_next_unpaid_one()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var invoice = await InvoiceApi.CreateAsync(factory, tenant, InvoiceApi.WithInstallments(3));
        var id = invoice.GetProperty("id").GetGuid();
        await InvoiceApi.MarkPendingAsync(factory, id);
        await PayFirstInstallmentAsync(id);

        var list = await InvoiceApi.GetAsync(client, $"/invoices/{id}/installments");

        Assert.Equal("IDR", list.GetProperty("currency_code").GetString());
        var installments = list.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(["paid", "unpaid", "unpaid"], installments.Select(i => i.GetProperty("status").GetString()));
        Assert.Equal([null, invoice.GetProperty("payment_url").GetString(), null], installments.Select(i => i.GetProperty("payment_url").GetString()));
    }

    [Fact]
    public async Task Unpaid_installments_can_be_reshaped_while_paid_ones_stay_as_they_are()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        // 337,000 in 3: 112,333 + 112,333 + 112,334.
        var id = await InvoiceApi.CreatePendingIdAsync(factory, tenant, InvoiceApi.WithInstallments(3));
        await PayFirstInstallmentAsync(id);
        var before = (await InvoiceApi.GetAsync(client, $"/invoices/{id}/installments")).GetProperty("data")[0].GetRawText();

        var wrongSum = await InvoiceApi.SendJsonAsync(client, HttpMethod.Patch, $"/invoices/{id}/installments", new JsonObject { ["amounts"] = new JsonArray(100_000, 100_000) });
        var wrongCount = await InvoiceApi.SendJsonAsync(client, HttpMethod.Patch, $"/invoices/{id}/installments", new JsonObject { ["amounts"] = new JsonArray(1, 1, 224_665) });
        var reshaped = await HttpAssert.JsonAsync(
            await InvoiceApi.SendJsonAsync(client, HttpMethod.Patch, $"/invoices/{id}/installments", new JsonObject { ["amounts"] = new JsonArray(24_667, 200_000) }), HttpStatusCode.OK);

        var mismatch = await HttpAssert.Problem.ReadAsync(wrongSum, HttpStatusCode.BadRequest);
        Assert.Equal("installment_sum_mismatch", mismatch.Code);
        Assert.Contains("224667", mismatch.Detail, StringComparison.Ordinal);
        Assert.Contains("200000", mismatch.Detail, StringComparison.Ordinal);
        Assert.Equal("installment_count_mismatch", (await HttpAssert.Problem.ReadAsync(wrongCount, HttpStatusCode.BadRequest)).Code);
        var installments = reshaped.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(before, installments[0].GetRawText());
        Assert.Equal([112_333L, 24_667L, 200_000L], installments.Select(i => i.GetProperty("amount").GetInt64()));
        var invoice = await InvoiceApi.GetAsync(client, $"/invoices/{id}");
        foreach (var (column, invoiceColumn) in new[] { ("amount", "total_amount"), ("tax", "total_tax_amount"), ("service_fee", "total_service_fee_amount"), ("subtotal", "subtotal_amount") })
        {
            Assert.Equal(invoice.GetProperty(invoiceColumn).GetInt64(), installments.Sum(i => i.GetProperty(column).GetInt64()));
        }
    }

    [Fact]
    public async Task Installments_cannot_change_on_a_cancelled_invoice_and_a_single_payment_has_none()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var withSchedule = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.WithInstallments(2));
        var single = await InvoiceApi.CreateIdAsync(factory, tenant);
        await client.PostAsync($"/invoices/{withSchedule}/cancel", null);

        var cancelled = await InvoiceApi.SendJsonAsync(client, HttpMethod.Patch, $"/invoices/{withSchedule}/installments", new JsonObject { ["amounts"] = new JsonArray(168_500, 168_500) });
        var none = await client.GetAsync($"/invoices/{single}/installments");

        Assert.Equal("invoice_immutable", (await HttpAssert.Problem.ReadAsync(cancelled, HttpStatusCode.Conflict)).Code);
        Assert.Equal("no_installment_schedule", (await HttpAssert.Problem.ReadAsync(none, HttpStatusCode.UnprocessableEntity)).Code);
    }

    [Fact]
    public async Task Lists_are_newest_first_filtered_and_paged()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var body = InvoiceApi.Body();
            body["external_id"] = $"LIST-{i}";
            body["currency_code"] = i % 2 == 0 ? "IDR" : "USD";
            ids.Add(await InvoiceApi.CreateIdAsync(factory, tenant, body));
        }

        await client.PostAsync($"/invoices/{ids[4]}/cancel", null);

        var page1 = await InvoiceApi.GetAsync(client, "/invoices?page=1&page_size=2");
        var page3 = await InvoiceApi.GetAsync(client, "/invoices?page=3&page_size=2");
        var usd = await InvoiceApi.GetAsync(client, "/invoices?currency_code=USD");
        var cancelled = await InvoiceApi.GetAsync(client, "/invoices?status=cancelled");
        var byExternalId = await InvoiceApi.GetAsync(client, "/invoices?external_id=LIST-2");
        var future = await InvoiceApi.GetAsync(client, $"/invoices?created_from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture))}");
        var tooBig = await client.GetAsync("/invoices?page_size=101");
        var badStatus = await client.GetAsync("/invoices?status=paid");

        Assert.Equal([ids[4], ids[3]], Ids(page1));
        Assert.Equal(5, page1.GetProperty("pagination").GetProperty("total_count").GetInt64());
        Assert.Equal(3, page1.GetProperty("pagination").GetProperty("total_pages").GetInt64());
        Assert.Equal([ids[0]], Ids(page3));
        Assert.Equal([ids[3], ids[1]], Ids(usd));
        Assert.Equal([ids[4]], Ids(cancelled));
        Assert.Equal([ids[2]], Ids(byExternalId));
        Assert.Empty(Ids(future));
        Assert.False(page1.GetProperty("data")[0].TryGetProperty("line_items", out _), "list items are summaries");
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
    }

    [Fact]
    public async Task Events_belong_to_their_tenant_and_carry_the_invoice_state()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        using var otherClient = factory.TenantClient(other.ApiKey);
        var id = await InvoiceApi.CreateIdAsync(factory, tenant);

        var events = await InvoiceApi.GetAsync(client, "/events");
        var othersView = await InvoiceApi.GetAsync(otherClient, "/events");

        var created = events.GetProperty("data").EnumerateArray().Single();
        Assert.Equal("invoice.created", created.GetProperty("type").GetString());
        Assert.Equal(id, created.GetProperty("subject_id").GetGuid());
        Assert.Equal(id, created.GetProperty("payload").GetProperty("invoice_id").GetGuid());
        Assert.Equal(337_000, created.GetProperty("payload").GetProperty("total_amount").GetInt64());
        Assert.Equal("draft", created.GetProperty("payload").GetProperty("status").GetString());
        Assert.Equal(0, othersView.GetProperty("pagination").GetProperty("total_count").GetInt64());
    }

    [Theory]
    [InlineData("IDR", 0)]
    [InlineData("MYR", 0)]
    [InlineData("USD", 0)]
    [InlineData("IDR", 12)]
    [InlineData("MYR", 12)]
    [InlineData("USD", 12)]
    public async Task The_payment_initiation_is_a_schema_valid_pain_001(string currency, int installments)
    {
        var tenant = await factory.CreateTenantAsync("Toko Sepatu Jaya");
        using var client = factory.TenantClient(tenant.ApiKey);
        var body = InvoiceApi.Body();
        body["currency_code"] = currency;
        body["external_id"] = "ORDER-XML";
        var invoice = await InvoiceApi.CreateAsync(factory, tenant, installments > 0 ? InvoiceApi.WithInstallments(installments, body) : body);

        var response = await client.GetAsync($"/invoices/{invoice.GetProperty("id").GetGuid()}/payment-initiation");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var xml = await response.Content.ReadAsStringAsync();
        Assert.Empty(PayTrust.Testing.Pain001Schema.Validate(xml));
        var document = System.Xml.Linq.XDocument.Parse(xml);
        System.Xml.Linq.XNamespace ns = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03";
        var amounts = document.Descendants(ns + "InstdAmt").Select(a => decimal.Parse(a.Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(Math.Max(1, installments), amounts.Length);
        var exponent = currency == "IDR" ? 0 : 2;
        Assert.Equal(invoice.GetProperty("total_amount").GetInt64(), amounts.Sum() * (exponent == 0 ? 1 : 100));
        Assert.All(document.Descendants(ns + "InstdAmt"), a => Assert.Equal(exponent == 0 ? -1 : a.Value.Length - 3, a.Value.IndexOf('.', StringComparison.Ordinal)));
        Assert.All(document.Descendants(ns + "Cdtr"), creditor => Assert.Equal("Toko Sepatu Jaya", creditor.Element(ns + "Nm")?.Value));
        Assert.Equal("Budi Santoso", document.Descendants(ns + "Dbtr").Single().Element(ns + "Nm")?.Value);
        Assert.All(document.Descendants(ns + "Ustrd"), u => Assert.Contains(invoice.GetProperty("payment_reference").GetString()!, u.Value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cancelled_invoice_is_not_exportable()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var id = await InvoiceApi.CreateIdAsync(factory, tenant);
        await client.PostAsync($"/invoices/{id}/cancel", null);

        var response = await client.GetAsync($"/invoices/{id}/payment-initiation");

        Assert.Equal("not_exportable", (await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.UnprocessableEntity)).Code);
    }

    private static object SupplementaryBody() => new { line_items = new[] { new { product_name = "Extra", quantity = 1, unit_price = 1_000 } } };

    private static Guid[] Ids(JsonElement page) => page.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToArray();

    private static async Task<string[]> EventTypesAsync(HttpClient client, Guid subjectId) =>
        (await InvoiceApi.GetAsync(client, $"/events?subject_id={subjectId}")).GetProperty("data").EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToArray();

    /// <summary>
    /// Money arrives with the payments issue; until then the test applies the first installment's amount
    /// the way a payment will: installment 1 paid, invoice partially_paid with that amount_paid.
    /// </summary>
    private async Task PayFirstInstallmentAsync(Guid invoiceId)
    {
        await using var connection = await factory.Database.OpenAsync();
        await connection.ExecuteAsync(
            """
            UPDATE invoice_installments SET amount_paid = amount, paid_at = UTC_TIMESTAMP(6) WHERE invoice_id = @Id AND number = 1;
            UPDATE invoices SET status = 'partially_paid', amount_paid = (SELECT amount FROM invoice_installments WHERE invoice_id = @Id AND number = 1) WHERE id = @Id;
            """,
            new { Id = invoiceId });
    }
}
