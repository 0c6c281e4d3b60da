using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Polly.Timeout;
using PayTrust.Domain.Payments;

namespace PayTrust.Infrastructure.Gateways;

/// <summary>What came back from one gateway call: a status and the JSON body, or the §7.6 failure that stopped it.</summary>
internal sealed class GatewayReply : IDisposable
{
    private GatewayReply(int status, JsonDocument? body, bool malformed, FailureCode? failure, string? detail)
    {
        Status = status;
        Body = body;
        Malformed = malformed;
        Failure = failure;
        Detail = detail;
    }

    /// <summary>The HTTP status, or 0 when no answer came (see <see cref="Failure"/>).</summary>
    public int Status { get; }

    public JsonDocument? Body { get; }

    /// <summary>An answer arrived but its body was not JSON.</summary>
    public bool Malformed { get; }

    /// <summary>Set when the call itself failed: timeout, connection refused or reset.</summary>
    public FailureCode? Failure { get; }

    public string? Detail { get; }

    public bool IsSuccessStatus => Status is >= 200 and <= 299;

    /// <summary>The root object of the body, if the body is a JSON object.</summary>
    public JsonElement? Root => Body is { RootElement.ValueKind: JsonValueKind.Object } ? Body.RootElement : null;

    public static GatewayReply Answered(int status, JsonDocument? body, bool malformed) => new(status, body, malformed, null, null);

    public static GatewayReply NoAnswer(FailureCode failure, string detail) => new(0, null, false, failure, detail);

    public void Dispose() => Body?.Dispose();
}

/// <summary>The parts both gateway clients share: sending without throwing, Basic auth, and reading JSON defensively.</summary>
internal static class GatewayHttp
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Both gateways take the key as the Basic user name with an empty password ("key:").</summary>
    public static AuthenticationHeaderValue BasicAuth(string key) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":")));

    public static HttpRequestMessage Request(HttpMethod method, Uri uri, string key, object? body = null)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = BasicAuth(key);
        if (body is not null)
        {
            // Serialised up front so the request carries a Content-Length rather than a chunked body.
            request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        return request;
    }

    /// <summary>
    /// Sends once (never retried: spec §7.2) and reads the whole body. A timeout or a network failure becomes a
    /// reply carrying its §7.6 code; only the caller's own cancellation escapes, as OperationCanceledException.
    /// </summary>
    public static async Task<GatewayReply> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var status = (int)response.StatusCode;
            if (bytes.Length == 0)
            {
                return GatewayReply.Answered(status, null, malformed: false);
            }

            try
            {
                return GatewayReply.Answered(status, JsonDocument.Parse(bytes), malformed: false);
            }
            catch (JsonException)
            {
                return GatewayReply.Answered(status, null, malformed: true);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutRejectedException)
        {
            return GatewayReply.NoAnswer(FailureCode.GatewayTimeout, "no answer within the gateway timeout");
        }
        catch (OperationCanceledException)
        {
            // HttpClient.Timeout (the backstop behind the resilience timeout) surfaces as a cancellation the
            // caller did not ask for.
            return GatewayReply.NoAnswer(FailureCode.GatewayTimeout, "no answer within the HTTP client timeout");
        }
        catch (HttpRequestException exception)
        {
            // HttpRequestError names the kind (ConnectionError, NameResolutionError, …) without hosts or secrets.
            return GatewayReply.NoAnswer(FailureCode.GatewayUnavailable, $"request failed: {exception.HttpRequestError}");
        }
        catch (IOException)
        {
            return GatewayReply.NoAnswer(FailureCode.GatewayUnavailable, "connection broken while reading the answer");
        }
    }

    /// <summary>The §7.6 code for an HTTP (or Midtrans body) status that is not a success.</summary>
    public static FailureCode ForStatus(int status) => status switch
    {
        401 or 403 => FailureCode.CredentialsInvalid,
        400 or 422 => FailureCode.InvalidRequest,
        429 => FailureCode.RateLimitedByGateway,
        >= 500 and <= 599 => FailureCode.GatewayUnavailable,
        _ => FailureCode.UnexpectedGatewayResponse,
    };

    public static string? String(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static decimal? Number(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number)
            ? number
            : null;

    /// <summary>
    /// A gateway's error code made safe for a log detail: letters, digits and underscores only, at most 64
    /// characters — never free text that might echo what we sent.
    /// </summary>
    public static string? SafeCode(string? code)
    {
        if (string.IsNullOrEmpty(code) || code.Length > 64)
        {
            return null;
        }

        foreach (var c in code)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return null;
            }
        }

        return code;
    }
}
