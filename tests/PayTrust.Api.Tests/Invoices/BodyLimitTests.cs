using System.Net;

namespace PayTrust.Api.Tests.Invoices;

/// <summary>The API on a real Kestrel socket: TestServer does not enforce Kestrel's request body limit.</summary>
public sealed class KestrelApiFactory : PayTrustApiFactory
{
    public KestrelApiFactory() => UseKestrel(0);
}

public class BodyLimitTests(KestrelApiFactory factory) : IClassFixture<KestrelApiFactory>
{
    [Fact]
    public async Task A_ten_megabyte_invoice_is_413_and_writes_nothing()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var huge = "{\"currency_code\":\"IDR\",\"description\":\"" + new string('x', 10 * 1024 * 1024) + "\"}";

        using var request = new HttpRequestMessage(HttpMethod.Post, "/invoices") { Content = new StringContent(huge, System.Text.Encoding.UTF8, "application/json") };
        // As curl does for large bodies: the server refuses on the declared length before the body is sent.
        request.Headers.ExpectContinue = true;

        var response = await client.SendAsync(request);

        Assert.Equal("payload_too_large", (await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.RequestEntityTooLarge)).Code);
        Assert.Equal(0, await InvoiceApi.CountRowsAsync(factory, tenant.TenantId));
    }
}
