using System.Net;
using System.Text.Json;
using PayTrust.Api.Tests.Invoices;
using PayTrust.Testing.GatewayStandIns;
using Serilog.Core;
using Serilog.Events;

namespace PayTrust.Api.Tests.Payments;

/// <summary>The stand-ins with a short gateway timeout, for the timeout case.</summary>
public sealed class GatewayStandInApiFactory : StandInApiFactory
{
    // Short so the timeout test is quick, but not so short that a loaded 2-core CI machine times out a normal
    // stand-in answer (at 1 s that happened, and every later scripted answer went to the wrong request).
    protected override IDictionary<string, string?> MoreSettings => new Dictionary<string, string?>
    {
        ["PayTrust:Gateways:TimeoutSeconds"] = "3",
        // Every level kept, so the secrets test also sees what only debug or trace logging would write (HttpClient's headers).
        ["Serilog:MinimumLevel:Default"] = "Verbose",
        ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Verbose",
        ["Serilog:MinimumLevel:Override:System.Net.Http"] = "Verbose",
    };
}

/// <summary>Payment attempts through the real Xendit and Midtrans clients (spec §7.2, §7.3, §7.6).</summary>
public class GatewayAttemptTests(GatewayStandInApiFactory factory) : IClassFixture<GatewayStandInApiFactory>
{
    [Fact]
    public async Task A_xendit_attempt_creates_one_xendit_invoice_for_the_attempt_reference()
    {
        var (client, invoiceId) = await CreateInvoiceAsync("xendit");

        var attempt = await PaymentApi.TakeAttemptAsync(client, invoiceId);

        var reference = attempt.GetProperty("reference").GetString()!;
        var created = factory.Xendit.InvoiceFor(reference);
        Assert.Equal(created.Id, attempt.GetProperty("gateway_reference").GetString());
        Assert.Equal($"{factory.Xendit.BaseUrl}/web/{created.Id}", attempt.GetProperty("checkout_url").GetString());
        Assert.Equal(attempt.GetProperty("amount").GetInt64(), created.Amount);
        Assert.Equal("pending", attempt.GetProperty("status").GetString());
        Assert.Equal("pending", (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).Status);
    }

    [Fact]
    public async Task A_midtrans_attempt_opens_a_snap_session()
    {
        var (client, invoiceId) = await CreateInvoiceAsync("midtrans");
        var creationsBefore = factory.Midtrans.CreationCount;

        var attempt = await PaymentApi.TakeAttemptAsync(client, invoiceId);

        Assert.Equal(creationsBefore + 1, factory.Midtrans.CreationCount);
        Assert.False(string.IsNullOrEmpty(attempt.GetProperty("gateway_reference").GetString()));
        Assert.StartsWith(factory.Midtrans.BaseUrl, attempt.GetProperty("checkout_url").GetString());
        using var sent = JsonDocument.Parse(factory.Midtrans.CreationBodies[^1]);
        Assert.Equal(attempt.GetProperty("reference").GetString(), sent.RootElement.GetProperty("transaction_details").GetProperty("order_id").GetString());
    }

    [Fact]
    public async Task Fifty_concurrent_attempts_make_exactly_one_gateway_call()
    {
        var (tenantClient, invoiceId) = await CreateInvoiceAsync("xendit");
        var tenantKey = tenantClient.DefaultRequestHeaders.GetValues("X-API-Key").Single();
        var clients = Enumerable.Range(0, 50).Select(_ => factory.TenantClient(tenantKey)).ToArray();
        var creationsBefore = factory.Xendit.CreationCount;

        // Hold the gateway so all 50 arrive while the first attempt is still being created.
        factory.Xendit.HoldCreations();
        HttpResponseMessage[] responses;
        try
        {
            var sending = clients.Select(client => PaymentApi.PostAttemptAsync(client, invoiceId)).ToArray();
            await factory.Xendit.WaitForCreationsAsync(creationsBefore + 1, TimeSpan.FromSeconds(10));
            var early = await Task.WhenAll(sending.Where(task => task.IsCompleted));
            Assert.All(early, response => Assert.Equal(HttpStatusCode.Conflict, response.StatusCode));
            factory.Xendit.ReleaseCreations();
            responses = await Task.WhenAll(sending);
        }
        finally
        {
            factory.Xendit.ReleaseCreations();
        }

        Assert.Equal(creationsBefore + 1, factory.Xendit.CreationCount);
        Assert.Equal(1, responses.Count(response => response.StatusCode == HttpStatusCode.Created));
        Assert.Equal(49, responses.Count(response => response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.OK));
        foreach (var conflict in responses.Where(response => response.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.Equal("payment_in_progress", (await HttpAssert.Problem.ReadAsync(conflict, HttpStatusCode.Conflict)).Code);
        }

        Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Theory]
    [InlineData(401, """{"error_code":"INVALID_API_KEY","message":"API key is not authorized for this API service"}""", "credentials_invalid")]
    [InlineData(500, """{"error_code":"SERVER_ERROR","message":"boom"}""", "gateway_unavailable")]
    [InlineData(429, """{"error_code":"RATE_LIMIT_EXCEEDED","message":"slow down"}""", "rate_limited_by_gateway")]
    [InlineData(400, """{"error_code":"API_VALIDATION_ERROR","message":"amount is invalid"}""", "invalid_request")]
    public async Task A_gateway_refusal_is_502_naming_gateway_and_failure_code_and_leaves_the_invoice_untouched(int status, string body, string failureCode)
    {
        var (client, invoiceId) = await CreateInvoiceAsync("xendit");
        var creationsBefore = factory.Xendit.CreationCount;
        factory.Xendit.RespondNext(status, body);

        var problem = await HttpAssert.Problem.ReadAsync(await PaymentApi.PostAttemptAsync(client, invoiceId), HttpStatusCode.BadGateway);

        Assert.Equal("gateway_error", problem.Code);
        Assert.Equal("xendit", problem.Body.GetProperty("gateway").GetString());
        Assert.Equal(failureCode, problem.Body.GetProperty("failure_code").GetString());
        Assert.Equal($"Gateway xendit failed: {failureCode}", problem.Detail);
        Assert.Equal(creationsBefore + 1, factory.Xendit.CreationCount);
        var attempt = Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        Assert.Equal(("failed", failureCode), (attempt.Status, attempt.FailureCode));
        var state = await PaymentApi.InvoiceStateAsync(factory, invoiceId);
        Assert.Equal(("draft", 0, 0L), (state.Status, state.Initiated, state.InitiatedEvents));
    }

    [Fact]
    public async Task A_gateway_timeout_is_recorded_and_not_retried_and_the_next_request_tries_again()
    {
        var (client, invoiceId) = await CreateInvoiceAsync("xendit");
        var creationsBefore = factory.Xendit.CreationCount;
        factory.Xendit.DelayNext(TimeSpan.FromSeconds(8));

        var problem = await HttpAssert.Problem.ReadAsync(await PaymentApi.PostAttemptAsync(client, invoiceId), HttpStatusCode.BadGateway);
        Assert.Equal("gateway_timeout", problem.Body.GetProperty("failure_code").GetString());
        Assert.Equal(creationsBefore + 1, factory.Xendit.CreationCount);

        var retried = await PaymentApi.TakeAttemptAsync(client, invoiceId);
        Assert.EndsWith("-002", retried.GetProperty("reference").GetString());
        var attempts = await PaymentApi.AttemptsAsync(factory, invoiceId);
        Assert.Equal(["failed", "pending"], attempts.Select(a => a.Status));
    }

    [Fact]
    public async Task A_caller_that_hangs_up_while_the_gateway_is_opening_the_session_still_gets_the_answer_recorded()
    {
        var (client, invoiceId) = await CreateInvoiceAsync("xendit");

        await HangUpWhileTheGatewayHoldsTheCallAsync(client, new HttpRequestMessage(HttpMethod.Post, $"/invoices/{invoiceId}/payment-attempts"));

        // The gateway opened a session for the attempt: it is recorded, not left creating (and orphaned at the gateway).
        var recorded = await PollAsync(() => PaymentApi.AttemptsAsync(factory, invoiceId), attempts => attempts is [{ Status: not "creating" }]);
        var attempt = Assert.Single(recorded);
        Assert.Equal(("pending", null), (attempt.Status, attempt.FailureCode));
        Assert.Equal(factory.Xendit.InvoiceFor(attempt.Reference).Id, attempt.GatewayReference);
        Assert.Equal("pending", (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).Status);
    }

    [Fact]
    public async Task A_payment_link_whose_gateway_fails_shows_a_try_again_page_and_records_the_failure()
    {
        var (client, invoiceId) = await CreateInvoiceAsync("xendit");
        var path = await PaymentLinkPathAsync(client, invoiceId);
        factory.Xendit.RespondNext(500, """{"error_code":"SERVER_ERROR","message":"boom"}""");
        using var browser = Browser();

        var response = await browser.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<h1>Payment temporarily unavailable</h1>", html);
        Assert.Contains("could not open a checkout just now", html);
        Assert.DoesNotContain("SERVER_ERROR", html);
        var attempt = Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        Assert.Equal(("failed", "gateway_unavailable"), (attempt.Status, attempt.FailureCode));
        Assert.Equal("draft", (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).Status);
    }

    [Fact]
    public async Task A_payment_link_opened_while_its_checkout_is_being_created_asks_to_reload_and_takes_nothing()
    {
        var (client, invoiceId) = await CreateInvoiceAsync("xendit");
        var path = await PaymentLinkPathAsync(client, invoiceId);
        var creationsBefore = factory.Xendit.CreationCount;
        using var browser = Browser();
        factory.Xendit.HoldCreations();
        try
        {
            var first = PaymentApi.PostAttemptAsync(client, invoiceId);
            await factory.Xendit.WaitForCreationsAsync(creationsBefore + 1, TimeSpan.FromSeconds(10));

            var response = await browser.GetAsync(path);
            var html = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("Your checkout is being prepared", html);
            factory.Xendit.ReleaseCreations();
            Assert.Equal(HttpStatusCode.Created, (await first).StatusCode);
        }
        finally
        {
            factory.Xendit.ReleaseCreations();
        }

        Assert.Equal(creationsBefore + 1, factory.Xendit.CreationCount);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(path)).StatusCode);
        Assert.Equal(["pending"], (await PaymentApi.AttemptsAsync(factory, invoiceId)).Select(attempt => attempt.Status));
    }

    private HttpClient Browser() =>
        factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static async Task<string> PaymentLinkPathAsync(HttpClient client, Guid invoiceId)
    {
        var invoice = await HttpAssert.JsonAsync(await client.GetAsync($"/invoices/{invoiceId}"), HttpStatusCode.OK);
        return new Uri(invoice.GetProperty("payment_url").GetString()!).AbsolutePath;
    }

    [Fact]
    public async Task A_caller_that_hangs_up_and_retries_with_its_idempotency_key_gets_the_attempt_it_started()
    {
        var (client, invoiceId) = await CreateInvoiceAsync("xendit");
        var creationsBefore = factory.Xendit.CreationCount;
        var key = $"hang-up-{Guid.NewGuid():N}";

        await HangUpWhileTheGatewayHoldsTheCallAsync(client, KeyedAttempt(invoiceId, key));

        // The retry finds the first request's answer once it is recorded (409 idempotency_key_in_use until then).
        var retried = await PollAsync(() => client.SendAsync(KeyedAttempt(invoiceId, key)), response => response.StatusCode != HttpStatusCode.Conflict);

        var replayed = await HttpAssert.JsonAsync(retried, HttpStatusCode.Created);
        Assert.Equal("true", retried.Headers.GetValues("Idempotent-Replayed").Single());
        var attempt = Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        Assert.Equal((attempt.Id, "pending"), (replayed.GetProperty("id").GetGuid(), replayed.GetProperty("status").GetString()));
        Assert.Equal(creationsBefore + 1, factory.Xendit.CreationCount);
    }

    /// <summary>Sends the request, hangs up once the Xendit stand-in holds its creation call, then lets the gateway answer.</summary>
    private async Task HangUpWhileTheGatewayHoldsTheCallAsync(HttpClient client, HttpRequestMessage request)
    {
        var creationsBefore = factory.Xendit.CreationCount;
        factory.Xendit.HoldCreations();
        try
        {
            using var hangUp = new CancellationTokenSource();
            var sending = client.SendAsync(request, hangUp.Token);
            await factory.Xendit.WaitForCreationsAsync(creationsBefore + 1, TimeSpan.FromSeconds(10));
            await hangUp.CancelAsync();
            // The request's abort reaches the server at once; the gateway answers well after it.
            await Task.Delay(300);
            factory.Xendit.ReleaseCreations();
            // The in-process test server completes the abandoned call when the server is done with it.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        }
        finally
        {
            factory.Xendit.ReleaseCreations();
            request.Dispose();
        }
    }

    private static HttpRequestMessage KeyedAttempt(Guid invoiceId, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/invoices/{invoiceId}/payment-attempts");
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > until)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Credentials_never_appear_in_logs_or_responses()
    {
        var (client, invoiceId) = await CreateInvoiceAsync("xendit");
        var (midtransClient, midtransInvoiceId) = await CreateInvoiceAsync("midtrans");
        factory.Xendit.RespondNext(401, """{"error_code":"INVALID_API_KEY","message":"API key is not authorized"}""");
        var responses = new List<string>
        {
            await (await PaymentApi.PostAttemptAsync(client, invoiceId)).Content.ReadAsStringAsync(),
            await (await PaymentApi.PostAttemptAsync(client, invoiceId)).Content.ReadAsStringAsync(),
            await (await PaymentApi.PostAttemptAsync(midtransClient, midtransInvoiceId)).Content.ReadAsStringAsync(),
            await (await client.GetAsync("/gateways/xendit/credentials")).Content.ReadAsStringAsync(),
            await (await midtransClient.GetAsync("/gateways/midtrans/credentials")).Content.ReadAsStringAsync(),
        };

        // The secrets did reach the gateways, so the calls above were real.
        Assert.Contains(GatewayStandIn.BasicAuthorization(StandInApiFactory.XenditSecretKey), factory.Xendit.AuthorizationHeaders);
        Assert.Contains(GatewayStandIn.BasicAuthorization(StandInApiFactory.MidtransServerKey), factory.Midtrans.AuthorizationHeaders);
        var secrets = new[]
        {
            StandInApiFactory.XenditSecretKey, StandInApiFactory.XenditCallbackToken, StandInApiFactory.MidtransServerKey,
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(StandInApiFactory.XenditSecretKey + ":")),
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(StandInApiFactory.MidtransServerKey + ":")),
        };
        var logged = factory.Logs.Select(Render).ToArray();
        Assert.Contains(logged, line => line.Contains("open_checkout", StringComparison.Ordinal) && line.Contains("credentials_invalid", StringComparison.Ordinal));
        // Trace events were captured too: a secret written only at that level would have been seen.
        Assert.Contains(factory.Logs, e => e.Level == LogEventLevel.Verbose);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(logged, line => line.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(responses, body => body.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Every_rail_call_is_logged_with_rail_gateway_outcome_failure_code_and_duration()
    {
        var (client, invoiceId) = await CreateInvoiceAsync("xendit");
        factory.Xendit.RespondNext(503, """{"error_code":"SERVER_ERROR","message":"down"}""");
        await PaymentApi.PostAttemptAsync(client, invoiceId);
        var attempt = Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));

        var entry = Assert.Single(factory.Logs, log =>
            log.Properties.TryGetValue("AttemptReference", out var reference) && reference.ToString() == $"\"{attempt.Reference}\"");

        Assert.Equal(LogEventLevel.Warning, entry.Level);
        Assert.Equal("\"open_checkout\"", entry.Properties["Operation"].ToString());
        Assert.Equal("\"card_psp\"", entry.Properties["Rail"].ToString());
        Assert.Equal("\"xendit\"", entry.Properties["Gateway"].ToString());
        Assert.Equal("\"failed\"", entry.Properties["Outcome"].ToString());
        Assert.Equal("\"gateway_unavailable\"", entry.Properties["FailureCode"].ToString());
        Assert.True(entry.Properties.ContainsKey("DurationMs"));
    }

    [Fact]
    public async Task Cancelling_the_invoice_expires_its_open_session_at_the_gateway()
    {
        var (client, invoiceId) = await CreateInvoiceAsync("xendit");
        var attempt = await PaymentApi.TakeAttemptAsync(client, invoiceId);
        var gatewayId = attempt.GetProperty("gateway_reference").GetString();

        await HttpAssert.JsonAsync(await client.PostAsync($"/invoices/{invoiceId}/cancel", null), HttpStatusCode.OK);

        Assert.Contains(factory.Xendit.Requests, request => request.Method == "POST" && request.PathAndQuery == $"/invoices/{gatewayId}/expire!");
        Assert.Equal("EXPIRED", factory.Xendit.InvoiceFor(attempt.GetProperty("reference").GetString()!).Status);
        Assert.Equal("expired", Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId)).Status);
    }

    [Fact]
    public async Task A_new_session_for_another_amount_supersedes_the_open_one_which_is_closed_at_the_gateway()
    {
        var (client, invoiceId) = await CreateInvoiceAsync("xendit");
        var first = await PaymentApi.TakeAttemptAsync(client, invoiceId);
        // Money arrived by another channel since the first session opened, so what is due changed.
        await PaymentApi.ExecuteAsync(factory, "UPDATE invoices SET amount_paid = 1000, status = 'partially_paid' WHERE id = @Id", new { Id = invoiceId });

        var second = await PaymentApi.TakeAttemptAsync(client, invoiceId);

        Assert.Equal(first.GetProperty("amount").GetInt64() - 1000, second.GetProperty("amount").GetInt64());
        Assert.Equal("EXPIRED", factory.Xendit.InvoiceFor(first.GetProperty("reference").GetString()!).Status);
        Assert.Equal("PENDING", factory.Xendit.InvoiceFor(second.GetProperty("reference").GetString()!).Status);
        Assert.Equal(["expired", "pending"], (await PaymentApi.AttemptsAsync(factory, invoiceId)).Select(a => a.Status));
    }

    private static string Render(LogEvent log) =>
        log.RenderMessage() + " " + string.Join(" ", log.Properties.Select(p => $"{p.Key}={p.Value}")) + " " + log.Exception;

    private async Task<(HttpClient Client, Guid InvoiceId)> CreateInvoiceAsync(string gateway)
    {
        var tenant = await factory.CreateTenantAsync();
        await InvoiceApi.SetGatewayCredentialsAsync(factory, tenant, gateway);
        var body = InvoiceApi.OneMillionRupiah();
        body["gateway"] = gateway;
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant, body);
        return (factory.TenantClient(tenant.ApiKey), invoiceId);
    }
}
