using System.Net;
using System.Text.Json;

namespace PayTrust.Api.Tests;

/// <summary>Reading responses in tests: the status must be the expected one, or the body is shown.</summary>
internal static class HttpAssert
{
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>A problem+json response, parsed.</summary>
    internal sealed record Problem(JsonElement Body)
    {
        public string? Code => Body.GetProperty("code").GetString();

        public string? Detail => Body.TryGetProperty("detail", out var detail) ? detail.GetString() : null;

        public string? Instance => Body.GetProperty("instance").GetString();

        public string? TraceId => Body.GetProperty("trace_id").GetString();

        public static async Task<Problem> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var body = JsonDocument.Parse(text).RootElement;
            Assert.Equal((int)expected, body.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
            return new Problem(body);
        }
    }
}
