using Serilog.Events;

namespace PayTrust.Api.Tests.Invoices;

public class InvoiceLoggingTests(LogCapturingApiFactory factory) : IClassFixture<LogCapturingApiFactory>
{
    [Fact]
    public async Task A_tax_rate_above_27_percent_is_accepted_and_logged_as_a_warning_naming_tenant_invoice_and_line()
    {
        var tenant = await factory.CreateTenantAsync();
        var body = InvoiceApi.Body();
        ((System.Text.Json.Nodes.JsonArray)body["line_items"]!).Add(InvoiceApi.Line("Luxury", 1, 1_000_000, "0.35"));

        var invoice = await InvoiceApi.CreateAsync(factory, tenant, body);

        var warning = Assert.Single(factory.Events, e =>
            e.Level == LogEventLevel.Warning && e.MessageTemplate.Text.StartsWith("High tax rate detected - verify accuracy", StringComparison.Ordinal)
            && e.Properties["InvoiceId"].ToString() == invoice.GetProperty("id").GetGuid().ToString());
        Assert.Equal(tenant.TenantId.ToString(), warning.Properties["TenantId"].ToString());
        Assert.Equal("2", warning.Properties["LineNumber"].ToString());
        Assert.Equal("\"0.35\"", warning.Properties["TaxRate"].ToString());
    }

    [Fact]
    public async Task Each_request_is_logged_by_its_own_host_with_its_request_id()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);

        var response = await client.GetAsync($"/invoices/{Guid.NewGuid()}");

        Assert.Contains(factory.Events, e =>
            e.MessageTemplate.Text.StartsWith("HTTP {RequestMethod} {RequestPath}", StringComparison.Ordinal)
            && e.Properties["StatusCode"].ToString() == "404"
            && e.Properties.ContainsKey("RequestId"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
