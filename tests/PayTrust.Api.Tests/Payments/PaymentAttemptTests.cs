using System.Net;
using System.Text.Json;
using PayTrust.Api.Tests.Invoices;

namespace PayTrust.Api.Tests.Payments;

/// <summary>POST /invoices/{id}/payment-attempts through the built-in sandbox gateway (spec §7.1–7.2).</summary>
public class PaymentAttemptTests(PayTrustApiFactory factory) : IClassFixture<PayTrustApiFactory>
{
    [Fact]
    public async Task A_first_attempt_opens_a_sandbox_checkout_and_initiates_the_invoice()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var invoice = await InvoiceApi.CreateAsync(factory, tenant, InvoiceApi.OneMillionRupiah());
        var invoiceId = invoice.GetProperty("id").GetGuid();

        var response = await PaymentApi.PostAttemptAsync(client, invoiceId);
        var attempt = await HttpAssert.JsonAsync(response, HttpStatusCode.Created);

        var reference = invoice.GetProperty("payment_reference").GetString() + "-001";
        Assert.Equal($"/invoices/{invoiceId}/payment-attempts/{attempt.GetProperty("id").GetGuid()}", response.Headers.Location!.OriginalString);
        Assert.Equal(invoiceId, attempt.GetProperty("invoice_id").GetGuid());
        Assert.Equal(invoice.GetProperty("total_amount").GetInt64(), attempt.GetProperty("amount").GetInt64());
        Assert.Equal("IDR", attempt.GetProperty("currency_code").GetString());
        Assert.Equal("sandbox", attempt.GetProperty("gateway").GetString());
        Assert.Equal("card_psp", attempt.GetProperty("rail").GetString());
        Assert.Equal(reference, attempt.GetProperty("reference").GetString());
        // The session id is a 128-bit random token (32 lowercase hex digits) and the page's address, not the reference.
        var token = attempt.GetProperty("gateway_reference").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", token);
        Assert.Equal($"https://pay.example.test/sandbox/checkout/{token}", attempt.GetProperty("checkout_url").GetString());
        Assert.Equal("pending", attempt.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("installment_number").ValueKind);
        Assert.True(attempt.GetProperty("expires_at").GetDateTimeOffset() <= invoice.GetProperty("expires_at").GetDateTimeOffset());

        var state = await PaymentApi.InvoiceStateAsync(factory, invoiceId);
        Assert.Equal(("pending", 1, 1L), (state.Status, state.Initiated, state.InitiatedEvents));
        var stored = await InvoiceApi.GetAsync(client, $"/invoices/{invoiceId}");
        Assert.Equal("pending", stored.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, stored.GetProperty("payment_initiated_at").ValueKind);
    }

    [Fact]
    public async Task An_open_attempt_is_handed_back_with_200_and_the_invoice_is_initiated_once()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant);

        var first = await PaymentApi.TakeAttemptAsync(client, invoiceId);
        var again = await HttpAssert.JsonAsync(await PaymentApi.PostAttemptAsync(client, invoiceId), HttpStatusCode.OK);

        Assert.Equal(first.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        Assert.Equal(first.GetProperty("checkout_url").GetString(), again.GetProperty("checkout_url").GetString());
        Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        Assert.Equal(1L, (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).InitiatedEvents);
    }

    [Fact]
    public async Task An_attempt_close_to_its_end_is_not_reused()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant);
        var first = await PaymentApi.TakeAttemptAsync(client, invoiceId);
        await PaymentApi.ExecuteAsync(factory, "UPDATE payment_attempts SET expires_at = UTC_TIMESTAMP(6) + INTERVAL 1 MINUTE WHERE id = @Id",
            new { Id = first.GetProperty("id").GetGuid() });

        var second = await PaymentApi.TakeAttemptAsync(client, invoiceId);

        Assert.NotEqual(first.GetProperty("id").GetGuid(), second.GetProperty("id").GetGuid());
        Assert.EndsWith("-002", second.GetProperty("reference").GetString());
    }

    [Fact]
    public async Task Installments_are_paid_in_sequence_only()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant, InvoiceApi.WithInstallments(3, InvoiceApi.OneMillionRupiah(), amounts: [200_000, 300_000, 500_000]));

        var later = await HttpAssert.Problem.ReadAsync(await PaymentApi.PostAttemptAsync(client, invoiceId, 2), HttpStatusCode.Conflict);
        Assert.Equal("installment_out_of_sequence", later.Code);
        var missing = await HttpAssert.Problem.ReadAsync(await PaymentApi.PostAttemptAsync(client, invoiceId, 4), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("invalid_installment", missing.Code);
        var invalid = await HttpAssert.Problem.ReadAsync(await PaymentApi.PostAttemptAsync(client, invoiceId, 0), HttpStatusCode.BadRequest);
        Assert.Equal("invalid_installment", invalid.Code);
        Assert.Empty(await PaymentApi.AttemptsAsync(factory, invoiceId));

        var first = await PaymentApi.TakeAttemptAsync(client, invoiceId, 1);
        Assert.Equal(1, first.GetProperty("installment_number").GetInt32());
        Assert.Equal(200_000, first.GetProperty("amount").GetInt64());

        // Without a number the attempt is for the next unpaid installment; installment 1 is paid once its money is applied.
        await PaymentApi.ExecuteAsync(factory, "UPDATE invoice_installments SET amount_paid = amount, paid_at = UTC_TIMESTAMP(6) WHERE invoice_id = @Id AND number = 1; UPDATE invoices SET amount_paid = 200000, status = 'partially_paid' WHERE id = @Id",
            new { Id = invoiceId });
        var next = await PaymentApi.TakeAttemptAsync(client, invoiceId);
        Assert.Equal(2, next.GetProperty("installment_number").GetInt32());
        Assert.Equal(300_000, next.GetProperty("amount").GetInt64());
        var paidAlready = await HttpAssert.Problem.ReadAsync(await PaymentApi.PostAttemptAsync(client, invoiceId, 1), HttpStatusCode.Conflict);
        Assert.Equal("installment_out_of_sequence", paidAlready.Code);
    }

    [Fact]
    public async Task A_partly_paid_invoice_collects_what_is_still_due()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var invoice = await InvoiceApi.CreateAsync(factory, tenant, InvoiceApi.OneMillionRupiah());
        var invoiceId = invoice.GetProperty("id").GetGuid();
        await PaymentApi.ExecuteAsync(factory, "UPDATE invoices SET amount_paid = 250000, status = 'partially_paid' WHERE id = @Id", new { Id = invoiceId });

        var attempt = await PaymentApi.TakeAttemptAsync(client, invoiceId);

        Assert.Equal(invoice.GetProperty("total_amount").GetInt64() - 250_000, attempt.GetProperty("amount").GetInt64());
        Assert.Equal("partially_paid", (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).Status);
    }

    [Theory]
    [InlineData("fully_paid")]
    [InlineData("cancelled")]
    [InlineData("expired")]
    public async Task A_closed_invoice_takes_no_attempt(string status)
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant);
        await PaymentApi.ExecuteAsync(factory, "UPDATE invoices SET status = @Status WHERE id = @Id", new { Id = invoiceId, Status = status });

        var refused = await HttpAssert.Problem.ReadAsync(await PaymentApi.PostAttemptAsync(client, invoiceId), HttpStatusCode.Conflict);

        Assert.Equal("invoice_not_payable", refused.Code);
        Assert.Empty(await PaymentApi.AttemptsAsync(factory, invoiceId));
    }

    [Fact]
    public async Task An_invoice_past_its_expiry_takes_no_attempt_even_before_the_worker_expires_it()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant);
        await PaymentApi.ExecuteAsync(factory, "UPDATE invoices SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE id = @Id", new { Id = invoiceId });

        var refused = await HttpAssert.Problem.ReadAsync(await PaymentApi.PostAttemptAsync(client, invoiceId), HttpStatusCode.Conflict);

        Assert.Equal("invoice_not_payable", refused.Code);
        Assert.Equal("draft", (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).Status);
    }

    [Fact]
    public async Task An_attempt_being_created_blocks_others_until_it_is_abandoned()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        var invoice = await InvoiceApi.CreateAsync(factory, tenant);
        var invoiceId = invoice.GetProperty("id").GetGuid();
        // What a process killed between reserving the attempt and recording the gateway's answer leaves behind.
        await PaymentApi.ExecuteAsync(factory, """
            INSERT INTO payment_attempts (id, tenant_id, invoice_id, attempt_number, reference, rail, gateway, currency_code, amount, status, created_at, updated_at, expires_at)
            VALUES (UUID(), @TenantId, @Id, 1, @Reference, 'card_psp', 'sandbox', 'IDR', 1000, 'creating', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL 1 DAY)
            """, new { tenant.TenantId, Id = invoiceId, Reference = invoice.GetProperty("payment_reference").GetString() + "-001" });

        var busy = await HttpAssert.Problem.ReadAsync(await PaymentApi.PostAttemptAsync(client, invoiceId), HttpStatusCode.Conflict);
        Assert.Equal("payment_in_progress", busy.Code);
        Assert.Equal("payment already in progress", busy.Detail);

        await PaymentApi.ExecuteAsync(factory, "UPDATE payment_attempts SET created_at = UTC_TIMESTAMP(6) - INTERVAL 3 MINUTE WHERE invoice_id = @Id", new { Id = invoiceId });
        var taken = await PaymentApi.TakeAttemptAsync(client, invoiceId);

        Assert.EndsWith("-002", taken.GetProperty("reference").GetString());
        var attempts = await PaymentApi.AttemptsAsync(factory, invoiceId);
        Assert.Equal(("failed", "internal_error"), (attempts[0].Status, attempts[0].FailureCode));
        Assert.Equal("pending", attempts[1].Status);
    }

    [Fact]
    public async Task Fifty_concurrent_requests_make_one_attempt()
    {
        var tenant = await factory.CreateTenantAsync();
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant);
        var clients = Enumerable.Range(0, 50).Select(_ => factory.TenantClient(tenant.ApiKey)).ToArray();

        var responses = await Task.WhenAll(clients.Select(client => PaymentApi.PostAttemptAsync(client, invoiceId)));

        var created = responses.Count(response => response.StatusCode == HttpStatusCode.Created);
        var reused = responses.Count(response => response.StatusCode == HttpStatusCode.OK);
        var inProgress = responses.Count(response => response.StatusCode == HttpStatusCode.Conflict);
        Assert.Equal(1, created);
        Assert.Equal(50, created + reused + inProgress);
        var attempt = Assert.Single(await PaymentApi.AttemptsAsync(factory, invoiceId));
        foreach (var response in responses.Where(response => response.IsSuccessStatusCode))
        {
            Assert.Equal(attempt.Id, (await HttpAssert.JsonAsync(response, response.StatusCode)).GetProperty("id").GetGuid());
        }

        foreach (var response in responses.Where(response => response.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.Equal("payment_in_progress", (await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.Conflict)).Code);
        }

        Assert.Equal(1L, (await PaymentApi.InvoiceStateAsync(factory, invoiceId)).InitiatedEvents);
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task An_unknown_invoice_is_404_and_writes_nothing()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);

        var missing = await HttpAssert.Problem.ReadAsync(await PaymentApi.PostAttemptAsync(client, Guid.NewGuid()), HttpStatusCode.NotFound);

        Assert.Equal("invoice_not_found", missing.Code);
    }
}
