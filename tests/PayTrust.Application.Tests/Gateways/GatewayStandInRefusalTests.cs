using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PayTrust.Testing.GatewayStandIns;
using static PayTrust.Application.Tests.Gateways.GatewayClients;

namespace PayTrust.Application.Tests.Gateways;

/// <summary>
/// The stand-ins themselves, sent by hand what PayTrust's clients never send: they must refuse what Xendit and Midtrans
/// refuse, with their documented error shapes, or a client that regressed would pass its tests against them.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class GatewayStandInRefusalTests : IAsyncLifetime
{
    private const string ValidXendit = """{"external_id":"att_raw_1","amount":150000,"currency":"IDR","description":"Order"}""";
    private const string ValidSnap = """{"transaction_details":{"order_id":"att_raw_1","gross_amount":150000}}""";

    private readonly HttpClient http = new();
    private XenditStandIn xendit = null!;
    private MidtransStandIn midtrans = null!;

    public async Task InitializeAsync()
    {
        xendit = await XenditStandIn.StartAsync(XenditKey);
        midtrans = await MidtransStandIn.StartAsync(MidtransKey);
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await xendit.DisposeAsync();
        await midtrans.DisposeAsync();
    }

    [Theory]
    [InlineData(ValidXendit, 200, null)] // Xendit answers a created invoice with 200
    [InlineData("""{"amount":150000,"currency":"IDR","description":"Order"}""", 400, "API_VALIDATION_ERROR")]
    [InlineData("""{"external_id":"att_raw_1","currency":"IDR","description":"Order"}""", 400, "API_VALIDATION_ERROR")]
    [InlineData("""{"external_id":"att_raw_1","amount":"150000","currency":"IDR","description":"Order"}""", 400, "API_VALIDATION_ERROR")]
    [InlineData("""{"external_id":"att_raw_1","amount":150000.5,"currency":"IDR","description":"Order"}""", 400, "API_VALIDATION_ERROR")]
    [InlineData("""{"external_id":"att_raw_1","amount":123.456,"currency":"MYR","description":"Order"}""", 400, "API_VALIDATION_ERROR")]
    [InlineData("""{"external_id":"att_raw_1","amount":150000,"currency":"IDR","description":"Order","invoice_duration":0}""", 400, "API_VALIDATION_ERROR")]
    [InlineData("{not json", 400, "INVALID_JSON_FORMAT")]
    public async Task Xendit_refuses_a_missing_field_or_an_amount_not_in_major_units_of_the_currency(string body, int status, string? errorCode)
    {
        using var response = await PostAsync($"{xendit.BaseUrl}/v2/invoices", body, XenditStandIn.BasicAuthorization(XenditKey));

        Assert.Equal(status, (int)response.StatusCode);
        if (errorCode is not null)
        {
            using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(errorCode, error.RootElement.GetProperty("error_code").GetString());
            Assert.False(string.IsNullOrEmpty(error.RootElement.GetProperty("message").GetString()));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic eG5kX3dyb25nOg==")]
    [InlineData("Bearer " + XenditKey)]
    public async Task Xendit_refuses_a_request_without_the_accounts_basic_auth(string? authorization)
    {
        using var response = await PostAsync($"{xendit.BaseUrl}/v2/invoices", ValidXendit, authorization);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("INVALID_API_KEY", error.RootElement.GetProperty("error_code").GetString());
        Assert.Empty(xendit.Invoices);
    }

    [Theory]
    [InlineData(ValidSnap, 201)]
    [InlineData("""{"transaction_details":{"gross_amount":150000}}""", 400)]
    [InlineData("""{"transaction_details":{"order_id":"att_raw_1"}}""", 400)]
    [InlineData("""{"transaction_details":{"order_id":"att_raw_1","gross_amount":150000.5}}""", 400)]
    [InlineData("""{"transaction_details":{"order_id":"att_raw_1","gross_amount":0}}""", 400)]
    [InlineData("""{"transaction_details":{"order_id":"att_raw_1","gross_amount":150000},"item_details":[{"name":"Order","price":100000,"quantity":1}]}""", 400)]
    public async Task Snap_refuses_a_missing_field_a_fractional_or_unmatched_amount(string body, int status)
    {
        using var response = await PostAsync($"{midtrans.BaseUrl}/snap/v1/transactions", body, MidtransStandIn.BasicAuthorization(MidtransKey));

        Assert.Equal(status, (int)response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (status == 201)
        {
            Assert.False(string.IsNullOrEmpty(answer.RootElement.GetProperty("token").GetString()));
            Assert.StartsWith(midtrans.BaseUrl, answer.RootElement.GetProperty("redirect_url").GetString());
        }
        else
        {
            Assert.NotEmpty(answer.RootElement.GetProperty("error_messages").EnumerateArray());
        }
    }

    [Fact]
    public async Task Snap_refuses_a_request_without_the_server_keys_basic_auth()
    {
        using var response = await PostAsync($"{midtrans.BaseUrl}/snap/v1/transactions", ValidSnap, MidtransStandIn.BasicAuthorization("SB-Mid-server-wrong"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.NotEmpty(answer.RootElement.GetProperty("error_messages").EnumerateArray());
    }

    private async Task<HttpResponseMessage> PostAsync(string url, string body, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await http.SendAsync(request);
    }
}
