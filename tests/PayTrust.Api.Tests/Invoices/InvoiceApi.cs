using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;

namespace PayTrust.Api.Tests.Invoices;

/// <summary>Request bodies and shortcuts for the invoice tests.</summary>
internal static class InvoiceApi
{
    /// <summary>
    /// One line, IDR, sandbox: subtotal 300,000; tax 11 % = 33,000; sandbox IDR fee 1 % + 1,000 = 4,000;
    /// total 337,000.
    /// </summary>
    public static JsonObject Body() => new()
    {
        ["currency_code"] = "IDR",
        ["gateway"] = "sandbox",
        ["description"] = "Order 1001",
        ["customer"] = new JsonObject { ["name"] = "Budi Santoso", ["email"] = "budi@example.com", ["phone"] = "+6281234567890" },
        ["metadata"] = new JsonObject { ["order"] = "1001" },
        ["line_items"] = new JsonArray(Line("Shoes", 2, 150_000, "0.11")),
    };

    /// <summary>A line item; the rate is sent as a JSON number, as most clients do.</summary>
    public static JsonObject Line(string name, int quantity, long unitPrice, string taxRate = "0", string? country = "ID") => new()
    {
        ["product_name"] = name,
        ["quantity"] = quantity,
        ["unit_price"] = unitPrice,
        ["tax_rate"] = JsonNode.Parse(taxRate),
        ["tax_category"] = "VAT",
        ["country_code"] = country,
    };

    /// <summary>A body whose total is exactly IDR 1,000,000 with the sandbox fee: 989,109 + round(9,891.09) + 1,000.</summary>
    public static JsonObject OneMillionRupiah()
    {
        var body = Body();
        body["line_items"] = new JsonArray(Line("Tuition", 1, 989_109));
        return body;
    }

    public static JsonObject WithInstallments(int count, JsonObject? body = null, long[]? amounts = null, int? intervalDays = null)
    {
        body ??= Body();
        var installments = new JsonObject { ["count"] = count };
        if (amounts is not null)
        {
            installments["amounts"] = new JsonArray(amounts.Select(a => (JsonNode)a).ToArray());
        }

        if (intervalDays is not null)
        {
            installments["interval_days"] = intervalDays;
        }

        body["installments"] = installments;
        return body;
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, JsonNode body) =>
        client.PostAsync("/invoices", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));

    public static async Task<JsonElement> CreateAsync(PayTrustApiFactory factory, TestTenant tenant, JsonObject? body = null)
    {
        using var client = factory.TenantClient(tenant.ApiKey);
        return await HttpAssert.JsonAsync(await PostAsync(client, body ?? Body()), HttpStatusCode.Created);
    }

    public static async Task<Guid> CreateIdAsync(PayTrustApiFactory factory, TestTenant tenant, JsonObject? body = null) =>
        (await CreateAsync(factory, tenant, body)).GetProperty("id").GetGuid();

    /// <summary>
    /// An invoice whose payment has been initiated, set directly in the database (status and
    /// payment_initiated_at, what an opened checkout records) so invoice tests need no gateway; the
    /// payment tests take real attempts.
    /// </summary>
    public static async Task<Guid> CreatePendingIdAsync(PayTrustApiFactory factory, TestTenant tenant, JsonObject? body = null)
    {
        var id = await CreateIdAsync(factory, tenant, body);
        await MarkPendingAsync(factory, id);
        return id;
    }

    public static async Task MarkPendingAsync(PayTrustApiFactory factory, Guid invoiceId)
    {
        await using var connection = await factory.Database.OpenAsync();
        await connection.ExecuteAsync(
            "UPDATE invoices SET status = 'pending', payment_initiated_at = UTC_TIMESTAMP(6) WHERE id = @Id", new { Id = invoiceId });
    }

    public static async Task<long> CountRowsAsync(PayTrustApiFactory factory, Guid tenantId)
    {
        await using var connection = await factory.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            """
            SELECT (SELECT COUNT(*) FROM invoices WHERE tenant_id = @TenantId)
                 + (SELECT COUNT(*) FROM invoice_line_items l JOIN invoices i ON i.id = l.invoice_id WHERE i.tenant_id = @TenantId)
                 + (SELECT COUNT(*) FROM invoice_installments s JOIN invoices i ON i.id = s.invoice_id WHERE i.tenant_id = @TenantId)
                 + (SELECT COUNT(*) FROM outbox_events WHERE tenant_id = @TenantId)
            """,
            new { TenantId = tenantId });
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string path) =>
        await HttpAssert.JsonAsync(await client.GetAsync(path), HttpStatusCode.OK);

    public static Task<HttpResponseMessage> SendJsonAsync(HttpClient client, HttpMethod method, string path, JsonNode body) =>
        client.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json") });

    public static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string path, object body) => client.PostAsJsonAsync(path, body);

    /// <summary>Xendit and Midtrans need the tenant's own credentials before anything can route to them.</summary>
    public static async Task SetGatewayCredentialsAsync(PayTrustApiFactory factory, TestTenant tenant, params string[] gateways)
    {
        using var client = factory.TenantClient(tenant.ApiKey);
        foreach (var gateway in gateways)
        {
            object body = gateway == "xendit"
                ? new { mode = "sandbox", secret_key = "xnd_development_test_secret_key_0001", callback_token = "test-callback-token-0001" }
                : new { mode = "sandbox", server_key = "SB-Mid-server-test-server-key-0001" };
            await HttpAssert.JsonAsync(await client.PutAsJsonAsync($"/gateways/{gateway}/credentials", body), HttpStatusCode.OK);
        }
    }
}
