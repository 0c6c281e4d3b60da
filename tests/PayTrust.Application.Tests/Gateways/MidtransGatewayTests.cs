using System.Text.Json;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;
using PayTrust.Infrastructure.Gateways;
using PayTrust.Testing.GatewayStandIns;
using static PayTrust.Application.Tests.Gateways.GatewayClients;
using static PayTrust.Application.Tests.Gateways.XenditGatewayTests;

namespace PayTrust.Application.Tests.Gateways;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class MidtransGatewayTests : IAsyncLifetime
{
    private const string OrderId = "att_01HZX4";
    private static readonly GatewaySession Session = new(OrderId, null, Currency.IDR);
    private MidtransStandIn midtrans = null!;
    private GatewayClients clients = null!;

    public async Task InitializeAsync()
    {
        midtrans = await MidtransStandIn.StartAsync(MidtransKey);
        clients = new GatewayClients(midtransBaseUrl: midtrans.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        await clients.DisposeAsync();
        await midtrans.DisposeAsync();
    }

    [Fact]
    public async Task Opens_a_snap_checkout_with_the_documented_wire_fields()
    {
        var request = Request(
            new Money(150_000, Currency.IDR),
            items: [new CheckoutItem("Consulting", 2, new Money(50_000, Currency.IDR)), new CheckoutItem("Report", 1, new Money(50_000, Currency.IDR))],
            customer: new CheckoutCustomer("Budi Santoso", "budi@example.com", "0812-3456-7890"));

        var result = await clients.Midtrans.CreateSessionAsync(request, MidtransCredentials(), CancellationToken.None);

        Assert.Equal(RailOutcome.Succeeded, result.Outcome);
        var received = Assert.Single(midtrans.Requests);
        Assert.Equal(("POST", "/snap/v1/transactions"), (received.Method, received.PathAndQuery));
        Assert.Equal(MidtransStandIn.BasicAuthorization(MidtransKey), received.Authorization);
        Assert.Equal("application/json", received.Accept);

        var body = JsonDocument.Parse(received.Body).RootElement;
        var details = body.GetProperty("transaction_details");
        Assert.Equal(OrderId, details.GetProperty("order_id").GetString());
        Assert.Equal("150000", details.GetProperty("gross_amount").GetRawText());
        var items = body.GetProperty("item_details").EnumerateArray().ToArray();
        Assert.Equal(["1", "2"], items.Select(item => item.GetProperty("id").GetString()));
        Assert.Equal(["50000", "50000"], items.Select(item => item.GetProperty("price").GetRawText()));
        Assert.Equal(["Consulting", "Report"], items.Select(item => item.GetProperty("name").GetString()));
        Assert.Equal(150_000, items.Sum(item => item.GetProperty("price").GetInt64() * item.GetProperty("quantity").GetInt64()));
        var customer = body.GetProperty("customer_details");
        Assert.Equal(("Budi Santoso", "budi@example.com", "0812-3456-7890"),
            (customer.GetProperty("first_name").GetString(), customer.GetProperty("email").GetString(), customer.GetProperty("phone").GetString()));
        // Now is 10:30:15Z: 17:30:15 in Jakarta; two hours to ExpiresAt.
        var expiry = body.GetProperty("expiry");
        Assert.Equal("2026-01-05 17:30:15 +0700", expiry.GetProperty("start_time").GetString());
        Assert.Equal("minute", expiry.GetProperty("unit").GetString());
        Assert.Equal(120, expiry.GetProperty("duration").GetInt64());
        Assert.Equal("https://merchant.example/paid", body.GetProperty("callbacks").GetProperty("finish").GetString());

        var snap = midtrans.SnapFor(OrderId);
        Assert.Equal(new CheckoutSession(snap.Token, $"{midtrans.BaseUrl}/snap/v4/redirection/{snap.Token}", request.ExpiresAt), result.Value);
    }

    [Fact]
    public async Task Item_names_longer_than_Midtrans_takes_are_truncated()
    {
        var name = new string('x', 49) + "\U0001F600" + new string('y', 10);
        var result = await clients.Midtrans.CreateSessionAsync(
            Request(new Money(150_000, Currency.IDR), items: [new CheckoutItem(name, 1, new Money(150_000, Currency.IDR))]), MidtransCredentials(), CancellationToken.None);

        Assert.Equal(RailOutcome.Succeeded, result.Outcome);
        var sent = JsonDocument.Parse(Assert.Single(midtrans.CreationBodies)).RootElement.GetProperty("item_details")[0].GetProperty("name").GetString()!;
        Assert.Equal(new string('x', 49), sent);
    }

    [Fact]
    public async Task Other_currencies_than_IDR_fail_without_a_call()
    {
        var result = await clients.Midtrans.CreateSessionAsync(Request(new Money(12_345, Currency.MYR)), MidtransCredentials(), CancellationToken.None);

        AssertFailed(result, FailureCode.CurrencyNotSupported, "midtrans takes IDR only, not MYR");
        Assert.Empty(midtrans.Requests);
    }

    [Fact]
    public async Task Items_that_do_not_add_up_fail_without_a_call()
    {
        var result = await clients.Midtrans.CreateSessionAsync(
            Request(new Money(150_000, Currency.IDR), items: [new CheckoutItem("Consulting", 2, new Money(50_000, Currency.IDR))]), MidtransCredentials(), CancellationToken.None);

        AssertFailed(result, FailureCode.InvalidRequest, "item_details do not sum to gross_amount");
        Assert.Empty(midtrans.Requests);
    }

    [Fact]
    public async Task A_reused_order_id_is_refused_by_Midtrans_as_invalid_request()
    {
        var request = Request(new Money(150_000, Currency.IDR));
        var first = await clients.Midtrans.CreateSessionAsync(request, MidtransCredentials(), CancellationToken.None);
        var second = await clients.Midtrans.CreateSessionAsync(request, MidtransCredentials(), CancellationToken.None);

        Assert.Equal(RailOutcome.Succeeded, first.Outcome);
        AssertFailed(second, FailureCode.InvalidRequest, "HTTP 400");
        Assert.Equal(2, midtrans.CreationCount);
    }

    [Fact]
    public async Task A_wrong_server_key_is_credentials_invalid_and_the_detail_carries_no_secret()
    {
        const string wrongKey = "SB-Mid-server-wrong-0000000000";
        var result = await clients.Midtrans.CreateSessionAsync(Request(new Money(150_000, Currency.IDR)), MidtransCredentials(wrongKey), CancellationToken.None);

        AssertFailed(result, FailureCode.CredentialsInvalid, "HTTP 401");
        Assert.Equal(MidtransStandIn.BasicAuthorization(wrongKey), Assert.Single(midtrans.Requests).Authorization);
        Assert.DoesNotContain(wrongKey, result.Detail!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, """{"error_messages":["transaction_details.gross_amount is not equal to the sum of item_details"]}""", "invalid_request", "HTTP 400")]
    [InlineData(429, """{"error_messages":["API rate limit exceeded"]}""", "rate_limited_by_gateway", "HTTP 429")]
    [InlineData(500, """{"error_messages":["Sorry, we encountered internal server error. We will fix this soon."]}""", "gateway_unavailable", "HTTP 500")]
    [InlineData(502, "<html>Bad Gateway</html>", "gateway_unavailable", "HTTP 502 with a body that is not JSON")]
    [InlineData(200, """{"status_code":"500","status_message":"Internal server error"}""", "gateway_unavailable", "HTTP 200 status_code 500")]
    [InlineData(201, """{"status_code":"401","status_message":"Access denied"}""", "credentials_invalid", "HTTP 201 status_code 401")]
    [InlineData(201, """{"redirect_url":"https://app.sandbox.midtrans.com/x"}""", "unexpected_gateway_response", "snap answer without token or redirect_url")]
    public async Task Snap_error_answers_map_to_the_failure_taxonomy_and_are_never_retried(int status, string body, string code, string detail)
    {
        midtrans.RespondNext(status, body);
        var result = await clients.Midtrans.CreateSessionAsync(Request(new Money(150_000, Currency.IDR)), MidtransCredentials(), CancellationToken.None);

        AssertFailed(result, FailureCode.Parse(code), detail);
        Assert.Equal(1, midtrans.CreationCount);
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_gateway_timeout_after_exactly_one_call()
    {
        await using var quick = new GatewayClients(midtransBaseUrl: midtrans.BaseUrl, timeoutSeconds: 1);
        midtrans.DelayNext(TimeSpan.FromSeconds(8));

        var result = await quick.Midtrans.CreateSessionAsync(Request(new Money(150_000, Currency.IDR)), MidtransCredentials(), CancellationToken.None);

        Assert.Equal(FailureCode.GatewayTimeout, result.Failure);
        await Task.Delay(200);
        Assert.Equal(1, midtrans.CreationCount);
    }

    [Fact]
    public async Task A_refused_connection_is_gateway_unavailable_and_malformed_JSON_is_unexpected()
    {
        await using var refused = new GatewayClients(midtransBaseUrl: RefusingBaseUrl());
        var unreachable = await refused.Midtrans.GetStatusAsync(Session, MidtransCredentials(), CancellationToken.None);
        midtrans.RespondNextWithMalformedJson();
        var malformed = await clients.Midtrans.CreateSessionAsync(Request(new Money(150_000, Currency.IDR)), MidtransCredentials(), CancellationToken.None);

        AssertFailed(unreachable, FailureCode.GatewayUnavailable, "request failed: ConnectionError");
        AssertFailed(malformed, FailureCode.UnexpectedGatewayResponse, "HTTP 200 with a body that is not JSON");
    }

    [Fact]
    public async Task Missing_credentials_fail_without_a_call()
    {
        var create = await clients.Midtrans.CreateSessionAsync(Request(new Money(150_000, Currency.IDR)), null, CancellationToken.None);
        var status = await clients.Midtrans.GetStatusAsync(Session, MidtransCredentials() with { ServerKey = "" }, CancellationToken.None);
        var expire = await clients.Midtrans.ExpireSessionAsync(Session, XenditCredentials(), CancellationToken.None);

        Assert.All([create.Failure, status.Failure, expire.Failure], failure => Assert.Equal(FailureCode.CredentialsMissing, failure));
        Assert.Empty(midtrans.Requests);
    }

    [Fact]
    public async Task The_callers_cancellation_propagates_instead_of_becoming_a_failure()
    {
        midtrans.DelayNext(TimeSpan.FromSeconds(8));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => clients.Midtrans.GetStatusAsync(Session, MidtransCredentials(), cancellation.Token));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_open_snap_token_without_a_transaction_is_pending(bool errorsInBodyWithHttp200)
    {
        await CreateAsync();
        midtrans.ErrorsInBodyWithHttp200 = errorsInBodyWithHttp200;

        var result = await clients.Midtrans.GetStatusAsync(Session, MidtransCredentials(), CancellationToken.None);

        Assert.Equal(RailOutcome.Pending, result.Outcome);
        Assert.Equal(new GatewayPaymentStatus("not_found", null, null, null), result.Value);
        Assert.Equal(("GET", $"/v2/{OrderId}/status"), (midtrans.Requests[^1].Method, midtrans.Requests[^1].PathAndQuery));
    }

    [Theory]
    [InlineData("pending", null)]
    [InlineData("capture", "challenge")]
    [InlineData("authorize", null)]
    public async Task Unfinished_transactions_are_pending(string transactionStatus, string? fraudStatus)
    {
        await CreateAsync();
        midtrans.SetTransactionStatus(OrderId, transactionStatus, fraudStatus);

        var result = await clients.Midtrans.GetStatusAsync(Session, MidtransCredentials(), CancellationToken.None);

        Assert.Equal(RailOutcome.Pending, result.Outcome);
        Assert.Equal(transactionStatus, result.Value!.GatewayStatus);
        Assert.Null(result.Value.PaidAmount);
    }

    [Theory]
    [InlineData("deny", null, "declined")]
    [InlineData("cancel", null, "cancelled_by_customer")]
    [InlineData("expire", null, "expired")]
    [InlineData("capture", "deny", "fraud_rejected")]
    [InlineData("something_new", null, "unexpected_gateway_response")]
    public async Task Final_unpaid_transactions_fail_with_their_code(string transactionStatus, string? fraudStatus, string code)
    {
        await CreateAsync();
        midtrans.SetTransactionStatus(OrderId, transactionStatus, fraudStatus);

        var result = await clients.Midtrans.GetStatusAsync(Session, MidtransCredentials(), CancellationToken.None);

        Assert.Equal(FailureCode.Parse(code), result.Failure);
    }

    [Fact]
    public async Task A_captured_and_accepted_card_payment_is_paid_at_its_transaction_time()
    {
        await CreateAsync();
        var at = new DateTimeOffset(2026, 1, 5, 11, 0, 7, TimeSpan.Zero);
        midtrans.SetTransactionStatus(OrderId, "capture", "accept", at: at);

        var result = await clients.Midtrans.GetStatusAsync(Session, MidtransCredentials(), CancellationToken.None);

        Assert.Equal(RailOutcome.Succeeded, result.Outcome);
        var transaction = midtrans.TransactionFor(OrderId)!;
        Assert.Equal(new GatewayPaymentStatus("capture", new Money(150_000, Currency.IDR), transaction.TransactionId, Instant.FromDateTimeOffset(at)), result.Value);
    }

    [Fact]
    public async Task A_settlement_is_paid_at_its_settlement_time_read_in_Jakarta()
    {
        await CreateAsync();
        midtrans.SetTransactionStatus(OrderId, "pending", at: new DateTimeOffset(2026, 1, 5, 10, 45, 0, TimeSpan.Zero));
        var settled = new DateTimeOffset(2026, 1, 5, 18, 59, 30, TimeSpan.Zero);
        midtrans.SetTransactionStatus(OrderId, "settlement", grossAmount: "24145.00", at: settled);

        var result = await clients.Midtrans.GetStatusAsync(Session, MidtransCredentials(), CancellationToken.None);

        Assert.Equal(RailOutcome.Succeeded, result.Outcome);
        Assert.Equal(new Money(24_145, Currency.IDR), result.Value!.PaidAmount);
        // 18:59:30Z is 01:59:30 the next day in Jakarta, on the wire without an offset.
        Assert.Equal(Instant.FromUtc(2026, 1, 5, 18, 59, 30), result.Value.PaidAt);
    }

    [Fact]
    public async Task A_gross_amount_with_a_fraction_of_a_rupiah_is_an_unexpected_answer()
    {
        await CreateAsync();
        midtrans.SetTransactionStatus(OrderId, "settlement", grossAmount: "150000.50");

        var result = await clients.Midtrans.GetStatusAsync(Session, MidtransCredentials(), CancellationToken.None);

        Assert.Equal(FailureCode.UnexpectedGatewayResponse, result.Failure);
    }

    [Fact]
    public async Task An_error_inside_an_HTTP_200_body_is_still_an_error()
    {
        midtrans.ErrorsInBodyWithHttp200 = true;
        var result = await clients.Midtrans.GetStatusAsync(Session, MidtransCredentials("SB-Mid-server-wrong"), CancellationToken.None);

        AssertFailed(result, FailureCode.CredentialsInvalid, "HTTP 200 status_code 401");
    }

    [Fact]
    public async Task Expire_expires_a_pending_transaction()
    {
        await CreateAsync();
        midtrans.SetTransactionStatus(OrderId, "pending");

        var result = await clients.Midtrans.ExpireSessionAsync(Session, MidtransCredentials(), CancellationToken.None);

        Assert.Equal(RailOutcome.Succeeded, result.Outcome);
        Assert.Equal(("POST", $"/v2/{OrderId}/expire"), (midtrans.Requests[^1].Method, midtrans.Requests[^1].PathAndQuery));
        Assert.Equal("expire", midtrans.TransactionFor(OrderId)!.TransactionStatus);
    }

    [Fact]
    public async Task Expire_before_the_customer_chose_a_method_is_pending_until_the_snap_expiry()
    {
        await CreateAsync();

        var result = await clients.Midtrans.ExpireSessionAsync(Session, MidtransCredentials(), CancellationToken.None);

        Assert.Equal(RailOutcome.Pending, result.Outcome);
        Assert.Equal(Session, result.Value);
    }

    [Fact]
    public async Task A_settled_transaction_cannot_be_expired()
    {
        await CreateAsync();
        midtrans.SetTransactionStatus(OrderId, "settlement");

        var result = await clients.Midtrans.ExpireSessionAsync(Session, MidtransCredentials(), CancellationToken.None);

        AssertFailed(result, FailureCode.InvalidRequest, "HTTP 412");
        Assert.Equal("settlement", midtrans.TransactionFor(OrderId)!.TransactionStatus);
    }

    [Theory]
    // Asked for 2 minutes: Midtrans takes no less than 5, and the session ends when the 5 minutes sent end.
    [InlineData(2 * 60, 5)]
    [InlineData(90 * 60 + 59, 90)]
    // Asked for 30 days: Midtrans takes no more than 7 days (10,080 minutes).
    [InlineData(30 * 24 * 3600, 7 * 24 * 60)]
    public async Task The_snap_expiry_is_clamped_to_Midtrans_range_and_the_session_ends_when_the_expiry_sent_ends(int askedSeconds, long sentMinutes)
    {
        var request = Request(new Money(150_000, Currency.IDR)) with { ExpiresAt = Now + Duration.FromSeconds(askedSeconds) };

        var result = await clients.Midtrans.CreateSessionAsync(request, MidtransCredentials(), CancellationToken.None);

        Assert.Equal(RailOutcome.Succeeded, result.Outcome);
        var expiry = JsonDocument.Parse(Assert.Single(midtrans.CreationBodies)).RootElement.GetProperty("expiry");
        Assert.Equal(("2026-01-05 17:30:15 +0700", "minute", sentMinutes),
            (expiry.GetProperty("start_time").GetString(), expiry.GetProperty("unit").GetString(), expiry.GetProperty("duration").GetInt64()));
        Assert.Equal(Now + Duration.FromMinutes(sentMinutes), result.Value!.ExpiresAt);
    }

    [Fact]
    public async Task Closing_a_session_cancels_its_snap_page_with_the_server_key_and_expires_any_core_transaction()
    {
        var session = await OpenAsync();

        var result = await clients.Midtrans.ExpireSessionAsync(session, MidtransCredentials(), CancellationToken.None);

        Assert.Equal(RailOutcome.Succeeded, result.Outcome);
        var token = midtrans.SnapFor(OrderId).Token;
        Assert.Equal(
            [("POST", $"/snap/v1/transactions/{token}/cancel"), ("POST", $"/v2/{OrderId}/expire")],
            midtrans.Requests.Skip(1).Select(request => (request.Method, request.PathAndQuery)));
        Assert.All(midtrans.Requests, request => Assert.Equal(MidtransStandIn.BasicAuthorization(MidtransKey), request.Authorization));
        Assert.NotNull(midtrans.SnapFor(OrderId).CanceledAt);
        Assert.Throws<InvalidOperationException>(() => midtrans.SetTransactionStatus(OrderId, "pending"));
    }

    [Fact]
    public async Task A_payment_started_on_the_page_is_expired_in_the_core_api_when_snap_says_it_is_in_progress()
    {
        var session = await OpenAsync();
        midtrans.SetTransactionStatus(OrderId, "pending");

        var result = await clients.Midtrans.ExpireSessionAsync(session, MidtransCredentials(), CancellationToken.None);

        Assert.Equal(RailOutcome.Succeeded, result.Outcome);
        Assert.Null(midtrans.SnapFor(OrderId).CanceledAt);
        Assert.Equal("expire", midtrans.TransactionFor(OrderId)!.TransactionStatus);
    }

    [Fact]
    public async Task A_page_cancelled_before_is_closed_and_a_paid_transaction_is_never_undone()
    {
        var session = await OpenAsync();
        Assert.Equal(RailOutcome.Succeeded, (await clients.Midtrans.ExpireSessionAsync(session, MidtransCredentials(), CancellationToken.None)).Outcome);

        var again = await clients.Midtrans.ExpireSessionAsync(session, MidtransCredentials(), CancellationToken.None);

        Assert.Equal(RailOutcome.Succeeded, again.Outcome);
        var paidSession = await OpenAsync("att_paid");
        midtrans.SetTransactionStatus("att_paid", "settlement");
        var paid = await clients.Midtrans.ExpireSessionAsync(paidSession, MidtransCredentials(), CancellationToken.None);
        AssertFailed(paid, FailureCode.InvalidRequest, "HTTP 412");
        Assert.Equal("settlement", midtrans.TransactionFor("att_paid")!.TransactionStatus);
    }

    [Fact]
    public async Task Another_accounts_server_key_can_neither_cancel_the_page_nor_see_the_order()
    {
        const string otherKey = "SB-Mid-server-another-merchant-0002";
        midtrans.AcceptKey(otherKey);
        var session = await OpenAsync();
        midtrans.SetTransactionStatus(OrderId, "pending");

        var closed = await clients.Midtrans.ExpireSessionAsync(session, MidtransCredentials(otherKey), CancellationToken.None);
        var status = await clients.Midtrans.GetStatusAsync(session, MidtransCredentials(otherKey), CancellationToken.None);

        // Not found for that account: its page is not cancelled and its transaction stays pending.
        Assert.Equal(RailOutcome.Succeeded, closed.Outcome);
        Assert.Null(midtrans.SnapFor(OrderId).CanceledAt);
        Assert.Equal("pending", midtrans.TransactionFor(OrderId)!.TransactionStatus);
        Assert.Equal(RailOutcome.Pending, status.Outcome);
        Assert.Equal("not_found", status.Value!.GatewayStatus);
    }

    [Fact]
    public async Task A_wrong_server_key_is_refused_by_snap_cancel()
    {
        var session = await OpenAsync();

        var result = await clients.Midtrans.ExpireSessionAsync(session, MidtransCredentials("SB-Mid-server-wrong"), CancellationToken.None);

        AssertFailed(result, FailureCode.CredentialsInvalid, "snap cancel answered HTTP 401");
        Assert.Null(midtrans.SnapFor(OrderId).CanceledAt);
    }

    [Fact]
    public async Task No_transaction_once_the_snap_session_has_ended_is_an_expired_session_not_a_pending_one()
    {
        var session = await OpenAsync();

        clients.Clock.Reset(session.ExpiresAt!.Value + MidtransGateway.NotFoundAfterExpiryMargin - Duration.FromSeconds(1));
        var before = await clients.Midtrans.GetStatusAsync(session, MidtransCredentials(), CancellationToken.None);
        clients.Clock.Reset(session.ExpiresAt!.Value + MidtransGateway.NotFoundAfterExpiryMargin);
        var after = await clients.Midtrans.GetStatusAsync(session, MidtransCredentials(), CancellationToken.None);

        Assert.Equal(RailOutcome.Pending, before.Outcome);
        AssertFailed(after, FailureCode.Expired, "no transaction by the end of the snap session");
        // A session whose end is unknown is never judged by it.
        Assert.Equal(RailOutcome.Pending, (await clients.Midtrans.GetStatusAsync(session with { ExpiresAt = null }, MidtransCredentials(), CancellationToken.None)).Outcome);
    }

    /// <summary>Opens a session and returns it as an attempt records it: with the token and the end Snap was sent.</summary>
    private async Task<GatewaySession> OpenAsync(string orderId = OrderId)
    {
        var created = await clients.Midtrans.CreateSessionAsync(Request(new Money(150_000, Currency.IDR), reference: orderId), MidtransCredentials(), CancellationToken.None);
        Assert.Equal(RailOutcome.Succeeded, created.Outcome);
        return new GatewaySession(orderId, created.Value!.GatewayReference, Currency.IDR, created.Value.ExpiresAt);
    }

    private async Task CreateAsync()
    {
        var created = await clients.Midtrans.CreateSessionAsync(Request(new Money(150_000, Currency.IDR), reference: OrderId), MidtransCredentials(), CancellationToken.None);
        Assert.Equal(RailOutcome.Succeeded, created.Outcome);
    }
}
