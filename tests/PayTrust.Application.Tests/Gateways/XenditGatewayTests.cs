using System.Text.Json;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;
using PayTrust.Testing.GatewayStandIns;
using static PayTrust.Application.Tests.Gateways.GatewayClients;

namespace PayTrust.Application.Tests.Gateways;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class XenditGatewayTests : IAsyncLifetime
{
    private XenditStandIn xendit = null!;
    private GatewayClients clients = null!;

    public async Task InitializeAsync()
    {
        xendit = await XenditStandIn.StartAsync(XenditKey);
        clients = new GatewayClients(xenditBaseUrl: xendit.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        await clients.DisposeAsync();
        await xendit.DisposeAsync();
    }

    [Fact]
    public async Task Creates_an_invoice_with_the_documented_wire_fields()
    {
        var amount = new Money(150_000, Currency.IDR);
        var result = await clients.Xendit.CreateSessionAsync(
            Request(amount, items: [new CheckoutItem("Consulting", 2, new Money(50_000, Currency.IDR)), new CheckoutItem("Report", 1, new Money(50_000, Currency.IDR))]),
            XenditCredentials(), CancellationToken.None);

        Assert.Equal(RailOutcome.Succeeded, result.Outcome);
        var request = Assert.Single(xendit.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v2/invoices", request.PathAndQuery);
        Assert.Equal(XenditStandIn.BasicAuthorization(XenditKey), request.Authorization);
        Assert.Equal("application/json", request.Accept);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);

        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("att_01HZX4", body.GetProperty("external_id").GetString());
        Assert.Equal("150000", body.GetProperty("amount").GetRawText());
        Assert.Equal("IDR", body.GetProperty("currency").GetString());
        Assert.Equal("Invoice INV-2026-0001", body.GetProperty("description").GetString());
        Assert.Equal(7200, body.GetProperty("invoice_duration").GetInt64());
        Assert.Equal("https://merchant.example/paid", body.GetProperty("success_redirect_url").GetString());
        Assert.Equal("https://merchant.example/failed", body.GetProperty("failure_redirect_url").GetString());
        var items = body.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(["Consulting", "Report"], items.Select(item => item.GetProperty("name").GetString()));
        Assert.Equal(["2", "1"], items.Select(item => item.GetProperty("quantity").GetRawText()));
        Assert.Equal(["50000", "50000"], items.Select(item => item.GetProperty("price").GetRawText()));
        Assert.False(body.TryGetProperty("customer", out _));

        var invoice = xendit.InvoiceFor("att_01HZX4");
        Assert.Equal(invoice.Id, result.Value!.GatewayReference);
        Assert.Equal($"{xendit.BaseUrl}/web/{invoice.Id}", result.Value.CheckoutUrl);
        Assert.Equal(Instant.FromDateTimeOffset(invoice.ExpiresAt).ToUnixTimeMilliseconds(), result.Value.ExpiresAt.ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData(150_000, "IDR", "150000")]
    [InlineData(12_345, "MYR", "123.45")]
    [InlineData(10_000, "MYR", "100.00")]
    [InlineData(5, "USD", "0.05")]
    [InlineData(999_999_999_999_999, "USD", "9999999999999.99")]
    public async Task Sends_the_amount_in_major_units_exactly(long minor, string currency, string wire)
    {
        var amount = new Money(minor, Currency.Parse(currency));
        var result = await clients.Xendit.CreateSessionAsync(Request(amount), XenditCredentials(), CancellationToken.None);

        Assert.Equal(RailOutcome.Succeeded, result.Outcome);
        var body = JsonDocument.Parse(Assert.Single(xendit.CreationBodies)).RootElement;
        Assert.Equal(wire, body.GetProperty("amount").GetRawText());
        Assert.Equal(wire, body.GetProperty("items")[0].GetProperty("price").GetRawText());
        Assert.Equal(currency, body.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task Sends_the_customer_and_leaves_out_a_phone_Xendit_would_refuse()
    {
        var amount = new Money(150_000, Currency.IDR);
        await clients.Xendit.CreateSessionAsync(Request(amount, reference: "att_a", customer: new("Budi Santoso", "budi@example.com", "+6281234567890")), XenditCredentials(), CancellationToken.None);
        var local = await clients.Xendit.CreateSessionAsync(Request(amount, reference: "att_b", customer: new("Budi Santoso", null, "0812-3456-7890")), XenditCredentials(), CancellationToken.None);

        var bodies = xendit.CreationBodies.Select(body => JsonDocument.Parse(body).RootElement.GetProperty("customer")).ToArray();
        Assert.Equal("Budi Santoso", bodies[0].GetProperty("given_names").GetString());
        Assert.Equal("budi@example.com", bodies[0].GetProperty("email").GetString());
        Assert.Equal("+6281234567890", bodies[0].GetProperty("mobile_number").GetString());
        Assert.False(bodies[1].TryGetProperty("mobile_number", out _));
        Assert.Equal(RailOutcome.Succeeded, local.Outcome);
    }

    [Fact]
    public async Task Invoice_duration_is_at_least_one_second()
    {
        var request = Request(new Money(150_000, Currency.IDR)) with { ExpiresAt = Now + Duration.FromMilliseconds(300) };
        await clients.Xendit.CreateSessionAsync(request, XenditCredentials(), CancellationToken.None);

        Assert.Equal(1, JsonDocument.Parse(Assert.Single(xendit.CreationBodies)).RootElement.GetProperty("invoice_duration").GetInt64());
    }

    [Fact]
    public async Task A_wrong_key_is_credentials_invalid_and_the_detail_carries_no_secret()
    {
        const string wrongKey = "xnd_development_wrong_key_0000000000000000";
        var result = await clients.Xendit.CreateSessionAsync(Request(new Money(150_000, Currency.IDR)), XenditCredentials(wrongKey), CancellationToken.None);

        AssertFailed(result, FailureCode.CredentialsInvalid, "HTTP 401 INVALID_API_KEY");
        Assert.Equal(XenditStandIn.BasicAuthorization(wrongKey), Assert.Single(xendit.Requests).Authorization);
        Assert.DoesNotContain(wrongKey, result.Detail!, StringComparison.Ordinal);
        Assert.DoesNotContain("Basic", result.Detail!, StringComparison.Ordinal);
        Assert.Empty(xendit.Invoices);
    }

    [Fact]
    public async Task A_currency_not_enabled_on_the_account_is_currency_not_supported()
    {
        xendit.EnabledCurrencies.Remove("USD");
        var result = await clients.Xendit.CreateSessionAsync(Request(new Money(1_000, Currency.USD)), XenditCredentials(), CancellationToken.None);

        AssertFailed(result, FailureCode.CurrencyNotSupported, "HTTP 400 UNSUPPORTED_CURRENCY");
    }

    [Theory]
    [InlineData(400, """{"error_code":"API_VALIDATION_ERROR","message":"external_id is required"}""", "invalid_request", "HTTP 400 API_VALIDATION_ERROR")]
    [InlineData(403, """{"error_code":"REQUEST_FORBIDDEN_ERROR","message":"The API key is forbidden"}""", "credentials_invalid", "HTTP 403 REQUEST_FORBIDDEN_ERROR")]
    [InlineData(429, """{"error_code":"RATE_LIMIT_EXCEEDED","message":"Too many requests"}""", "rate_limited_by_gateway", "HTTP 429 RATE_LIMIT_EXCEEDED")]
    [InlineData(500, """{"error_code":"SERVER_ERROR","message":"Something went wrong"}""", "gateway_unavailable", "HTTP 500 SERVER_ERROR")]
    [InlineData(503, "<html>Service Unavailable</html>", "gateway_unavailable", "HTTP 503")]
    [InlineData(400, """{"error_code":"a secret-looking message: xnd_development_123","message":"x"}""", "invalid_request", "HTTP 400")]
    public async Task Error_answers_map_to_the_failure_taxonomy_and_are_never_retried(int status, string body, string code, string detail)
    {
        xendit.RespondNext(status, body);
        var result = await clients.Xendit.CreateSessionAsync(Request(new Money(150_000, Currency.IDR)), XenditCredentials(), CancellationToken.None);

        AssertFailed(result, FailureCode.Parse(code), detail);
        Assert.Equal(1, xendit.CreationCount);
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_gateway_timeout_after_exactly_one_call()
    {
        await using var quick = new GatewayClients(xenditBaseUrl: xendit.BaseUrl, timeoutSeconds: 1);
        xendit.DelayNext(TimeSpan.FromSeconds(8));
        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = await quick.Xendit.CreateSessionAsync(Request(new Money(150_000, Currency.IDR)), XenditCredentials(), CancellationToken.None);

        Assert.Equal(FailureCode.GatewayTimeout, result.Failure);
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
        await Task.Delay(200);
        Assert.Equal(1, xendit.CreationCount);
    }

    [Fact]
    public async Task A_refused_connection_is_gateway_unavailable()
    {
        await using var refused = new GatewayClients(xenditBaseUrl: RefusingBaseUrl());
        var result = await refused.Xendit.CreateSessionAsync(Request(new Money(150_000, Currency.IDR)), XenditCredentials(), CancellationToken.None);

        AssertFailed(result, FailureCode.GatewayUnavailable, "request failed: ConnectionError");
    }

    [Fact]
    public async Task Malformed_or_incomplete_answers_are_unexpected_gateway_responses()
    {
        xendit.RespondNextWithMalformedJson();
        xendit.RespondNext(200, """{"id":"abc","status":"PENDING"}""");
        var malformed = await clients.Xendit.CreateSessionAsync(Request(new Money(150_000, Currency.IDR), reference: "att_1"), XenditCredentials(), CancellationToken.None);
        var incomplete = await clients.Xendit.CreateSessionAsync(Request(new Money(150_000, Currency.IDR), reference: "att_2"), XenditCredentials(), CancellationToken.None);

        AssertFailed(malformed, FailureCode.UnexpectedGatewayResponse, "HTTP 200 with a body that is not JSON");
        Assert.Equal(FailureCode.UnexpectedGatewayResponse, incomplete.Failure);
    }

    [Fact]
    public async Task Missing_credentials_fail_without_a_call()
    {
        var request = Request(new Money(150_000, Currency.IDR));
        var none = await clients.Xendit.CreateSessionAsync(request, null, CancellationToken.None);
        var noKey = await clients.Xendit.CreateSessionAsync(request, XenditCredentials() with { SecretKey = " " }, CancellationToken.None);
        var session = new GatewaySession("att_01HZX4", "inv_1", Currency.IDR);
        var status = await clients.Xendit.GetStatusAsync(session, null, CancellationToken.None);
        var expire = await clients.Xendit.ExpireSessionAsync(session, XenditCredentials() with { SecretKey = null }, CancellationToken.None);

        Assert.All([none.Failure, noKey.Failure, status.Failure, expire.Failure], failure => Assert.Equal(FailureCode.CredentialsMissing, failure));
        Assert.Empty(xendit.Requests);
    }

    [Fact]
    public async Task The_callers_cancellation_propagates_instead_of_becoming_a_failure()
    {
        xendit.DelayNext(TimeSpan.FromSeconds(8));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            clients.Xendit.CreateSessionAsync(Request(new Money(150_000, Currency.IDR)), XenditCredentials(), cancellation.Token));
    }

    [Fact]
    public async Task A_held_creation_completes_only_when_the_stand_in_releases_it()
    {
        xendit.HoldCreations();
        var creation = clients.Xendit.CreateSessionAsync(Request(new Money(150_000, Currency.IDR)), XenditCredentials(), CancellationToken.None);
        await xendit.WaitForCreationsAsync(1, TimeSpan.FromSeconds(5));
        await Task.Delay(100);
        Assert.False(creation.IsCompleted);

        xendit.ReleaseCreations();
        Assert.Equal(RailOutcome.Succeeded, (await creation).Outcome);
    }

    [Fact]
    public async Task Xendit_does_not_deduplicate_external_id_so_each_call_opens_another_invoice()
    {
        var request = Request(new Money(150_000, Currency.IDR));
        var first = await clients.Xendit.CreateSessionAsync(request, XenditCredentials(), CancellationToken.None);
        var second = await clients.Xendit.CreateSessionAsync(request, XenditCredentials(), CancellationToken.None);

        Assert.NotEqual(first.Value!.GatewayReference, second.Value!.GatewayReference);
        Assert.Equal(2, xendit.CreationCount);
    }

    [Fact]
    public async Task Status_follows_the_invoice_from_pending_to_paid_to_settled()
    {
        var session = await CreateAsync(new Money(12_345, Currency.MYR));

        var pending = await clients.Xendit.GetStatusAsync(session, XenditCredentials(), CancellationToken.None);
        Assert.Equal(RailOutcome.Pending, pending.Outcome);
        Assert.Equal("PENDING", pending.Value!.GatewayStatus);
        Assert.Equal($"/v2/invoices/{session.GatewayReference}", xendit.Requests[^1].PathAndQuery);
        Assert.Equal("GET", xendit.Requests[^1].Method);

        var paidAt = new DateTimeOffset(2026, 1, 5, 11, 0, 0, 123, TimeSpan.Zero);
        xendit.MarkPaid(session.GatewayReference!, 100.5m, paidAt);
        var paid = await clients.Xendit.GetStatusAsync(session, XenditCredentials(), CancellationToken.None);
        Assert.Equal(RailOutcome.Succeeded, paid.Outcome);
        Assert.Equal(new GatewayPaymentStatus("PAID", new Money(10_050, Currency.MYR), session.GatewayReference, Instant.FromDateTimeOffset(paidAt)), paid.Value);

        xendit.MarkSettled(session.GatewayReference!);
        var settled = await clients.Xendit.GetStatusAsync(session, XenditCredentials(), CancellationToken.None);
        Assert.Equal(RailOutcome.Succeeded, settled.Outcome);
        Assert.Equal("SETTLED", settled.Value!.GatewayStatus);
        Assert.Equal(new Money(12_345, Currency.MYR), settled.Value.PaidAmount);
    }

    [Fact]
    public async Task An_expired_invoice_is_failed_expired()
    {
        var session = await CreateAsync(new Money(150_000, Currency.IDR));
        xendit.MarkExpired(session.GatewayReference!);

        var result = await clients.Xendit.GetStatusAsync(session, XenditCredentials(), CancellationToken.None);

        AssertFailed(result, FailureCode.Expired, "invoice EXPIRED");
    }

    [Theory]
    [InlineData("IDR", 150_000, "1500.5")]
    [InlineData("MYR", 12_345, "123.456")]
    public async Task A_paid_amount_finer_than_the_minor_unit_is_an_unexpected_answer(string currency, long minor, string paid)
    {
        var session = await CreateAsync(new Money(minor, Currency.Parse(currency)));
        xendit.MarkPaid(session.GatewayReference!, decimal.Parse(paid, System.Globalization.CultureInfo.InvariantCulture));

        var result = await clients.Xendit.GetStatusAsync(session, XenditCredentials(), CancellationToken.None);

        Assert.Equal(FailureCode.UnexpectedGatewayResponse, result.Failure);
    }

    [Fact]
    public async Task Without_the_invoice_id_the_status_is_found_by_external_id()
    {
        var session = await CreateAsync(new Money(150_000, Currency.IDR));
        xendit.MarkPaid(session.GatewayReference!);

        var result = await clients.Xendit.GetStatusAsync(session with { GatewayReference = null }, XenditCredentials(), CancellationToken.None);

        Assert.Equal("/v2/invoices?external_id=att_01HZX4", xendit.Requests[^1].PathAndQuery);
        Assert.Equal(RailOutcome.Succeeded, result.Outcome);
        Assert.Equal(session.GatewayReference, result.Value!.TransactionId);
        var unknown = await clients.Xendit.GetStatusAsync(new GatewaySession("att_never", null, Currency.IDR), XenditCredentials(), CancellationToken.None);
        Assert.Equal(FailureCode.InvalidRequest, unknown.Failure);
    }

    [Fact]
    public async Task Expire_expires_the_invoice()
    {
        var session = await CreateAsync(new Money(150_000, Currency.IDR));

        var result = await clients.Xendit.ExpireSessionAsync(session, XenditCredentials(), CancellationToken.None);

        Assert.Equal(RailOutcome.Succeeded, result.Outcome);
        Assert.Equal(session, result.Value);
        Assert.Equal(("POST", $"/invoices/{session.GatewayReference}/expire!"), (xendit.Requests[^1].Method, xendit.Requests[^1].PathAndQuery));
        Assert.Equal("EXPIRED", xendit.InvoiceFor("att_01HZX4").Status);
    }

    [Fact]
    public async Task A_paid_invoice_cannot_be_expired()
    {
        var session = await CreateAsync(new Money(150_000, Currency.IDR));
        xendit.MarkPaid(session.GatewayReference!);

        var result = await clients.Xendit.ExpireSessionAsync(session, XenditCredentials(), CancellationToken.None);

        AssertFailed(result, FailureCode.InvalidRequest, "HTTP 404 INVOICE_NOT_FOUND_ERROR");
        Assert.Equal("PAID", xendit.InvoiceFor("att_01HZX4").Status);
    }

    internal static void AssertFailed<T>(RailResult<T> result, FailureCode code, string detail)
    {
        Assert.Equal(RailOutcome.Failed, result.Outcome);
        Assert.Equal(code, result.Failure);
        Assert.Equal(detail, result.Detail);
    }

    private async Task<GatewaySession> CreateAsync(Money amount)
    {
        var created = await clients.Xendit.CreateSessionAsync(Request(amount), XenditCredentials(), CancellationToken.None);
        Assert.Equal(RailOutcome.Succeeded, created.Outcome);
        return new GatewaySession("att_01HZX4", created.Value!.GatewayReference, amount.Currency);
    }
}
