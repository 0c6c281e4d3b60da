using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

using static PayTrust.Api.Tests.HttpAssert;

namespace PayTrust.Api.Tests;

public class ErrorResponseTests(PayTrustApiFactory factory) : IClassFixture<PayTrustApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Unknown_route_is_a_404_problem_with_a_code_and_trace_id()
    {
        var response = await _client.GetAsync("/no-such-route");

        var problem = await Problem.ReadAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("not_found", problem.Code);
        Assert.Equal("/no-such-route", problem.Instance);
        Assert.Matches("^[0-9a-f]{32}$", problem.TraceId);
    }

    [Fact]
    public async Task Wrong_method_is_a_405_problem()
    {
        var response = await _client.DeleteAsync("/health");

        Assert.Equal("method_not_allowed", (await Problem.ReadAsync(response, HttpStatusCode.MethodNotAllowed)).Code);
    }

    [Theory]
    [InlineData("{\"name\": \"x\", \"quantity\": ")]
    [InlineData("{bad json}")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"name\": \"x\", \"quantity\": \"three\"}")]
    [InlineData("{\"name\": \"x\", \"quantity\": 1.5}")]
    public async Task Malformed_or_mistyped_json_is_a_400_malformed_json_problem(string body)
    {
        var response = await _client.PostAsync("/_test/echo", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("malformed_json", problem.Code);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail));
    }

    [Fact]
    public async Task Json_nested_deeper_than_the_limit_is_a_400_problem()
    {
        var body = "{\"name\": " + new string('[', 100) + new string(']', 100) + ", \"quantity\": 1}";

        var response = await _client.PostAsync("/_test/echo", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal("malformed_json", (await Problem.ReadAsync(response, HttpStatusCode.BadRequest)).Code);
    }

    [Fact]
    public async Task Empty_body_is_a_400_problem_not_an_empty_response()
    {
        var response = await _client.PostAsync("/_test/echo", new StringContent("", Encoding.UTF8, "application/json"));

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_request", problem.Code);
    }

    [Fact]
    public async Task Unknown_json_fields_are_ignored_and_snake_case_is_used_both_ways()
    {
        var response = await _client.PostAsync("/_test/echo", new StringContent(
            "{\"name\": \"Shoes\", \"quantity\": 2, \"not_a_field\": {\"deep\": true}}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"name\":\"Shoes\",\"quantity\":2}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Validation_failures_are_400_with_snake_case_field_errors()
    {
        var response = await _client.GetAsync("/_test/validation");

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", problem.Code);
        var errors = problem.Body.GetProperty("errors");
        Assert.Equal(
            "Invalid tax_rate: must be between 0 and 1.0 with max 4 decimal places",
            errors.GetProperty("line_items[0].tax_rate")[0].GetString());
        Assert.True(errors.TryGetProperty("currency_code", out _));
    }

    [Theory]
    [InlineData("InvalidInput", HttpStatusCode.BadRequest)]
    [InlineData("NotFound", HttpStatusCode.NotFound)]
    [InlineData("Conflict", HttpStatusCode.Conflict)]
    [InlineData("BusinessRule", HttpStatusCode.UnprocessableEntity)]
    [InlineData("Unavailable", HttpStatusCode.ServiceUnavailable)]
    public async Task PayTrust_refusals_map_to_one_status_per_kind_and_keep_their_code(string kind, HttpStatusCode status)
    {
        var response = await _client.GetAsync($"/_test/refusal/{kind}");

        var problem = await Problem.ReadAsync(response, status);
        Assert.Equal("probe_refusal", problem.Code);
        Assert.Equal("Refused by the probe", problem.Detail);
    }

    [Fact]
    public async Task An_unexpected_exception_is_a_bare_500_without_internals()
    {
        var response = await _client.GetAsync("/_test/crash");

        var problem = await Problem.ReadAsync(response, HttpStatusCode.InternalServerError);
        Assert.Equal("internal_error", problem.Code);
        var raw = problem.Body.GetRawText();
        Assert.DoesNotContain("SELECT", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", raw, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", raw, StringComparison.Ordinal);
    }
}
