using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using PayTrust.Api.Tests.Invoices;
using PayTrust.Api.Tests.Payments;
using PayTrust.Application.Features.Sandbox;
using PayTrust.Application.Features.Webhooks;

namespace PayTrust.Api.Tests.Webhooks;

/// <summary>Building, signing and sending gateway notifications, and reading what they changed.</summary>
internal static class WebhookApi
{
    public static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    public static SandboxWebhookEvent SandboxPaid(string reference, long amount, Instant at, string currency = "IDR", string? transactionId = null, string? eventId = null) =>
        new(eventId ?? NewId("evt_"), "payment.succeeded", at, new SandboxWebhookData(reference, transactionId ?? NewId("sbx_txn_"), "paid", amount, currency, null));

    public static SandboxWebhookEvent SandboxDeclined(string reference, long amount, Instant at) =>
        new(NewId("evt_"), "payment.failed", at, new SandboxWebhookData(reference, NewId("sbx_txn_"), "declined", amount, "IDR", "declined"));

    public static Task<HttpResponseMessage> PostSandboxAsync(HttpClient client, SandboxWebhookEvent webhook, Instant signedAt)
    {
        var body = SandboxWebhookJson.Serialize(webhook);
        return PostRawAsync(client, "sandbox", body, (SandboxWebhookSignature.HeaderName, Sign(body, signedAt)));
    }

    public static string Sign(byte[] body, Instant at, string secret = WebhookApiFactory.SandboxSecret) => SandboxWebhookSignature.Sign(secret, at, body);

    public static async Task<HttpResponseMessage> PostRawAsync(HttpClient client, string gateway, byte[] body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/{gateway}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    /// <summary>200 and the receipt's status and outcome ("duplicate" has no outcome).</summary>
    public static async Task<(string Status, string? Outcome)> ReceiptAsync(HttpResponseMessage response)
    {
        var json = await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
        return (json.GetProperty("status").GetString()!,
            json.TryGetProperty("outcome", out var outcome) && outcome.ValueKind == JsonValueKind.String ? outcome.GetString() : null);
    }

    /// <summary>A Xendit invoice callback with the tenant's callback token (and Xendit's webhook-id header, when given).</summary>
    public static Task<HttpResponseMessage> PostXenditAsync(
        HttpClient client, string token, string xenditInvoiceId, string reference, string status, long amount, string currency = "IDR",
        string? webhookId = null)
    {
        var body = XenditBody(xenditInvoiceId, reference, status, amount, currency);
        (string, string)[] headers = webhookId is null ? [("x-callback-token", token)] : [("x-callback-token", token), ("webhook-id", webhookId)];
        return PostRawAsync(client, "xendit", body, headers);
    }

    /// <summary>A Xendit invoice callback body as Xendit sends it (amounts as JSON numbers).</summary>
    public static byte[] XenditBody(string xenditInvoiceId, string reference, string status, long amount, string currency = "IDR")
    {
        var body = new JsonObject
        {
            ["id"] = xenditInvoiceId,
            ["external_id"] = reference,
            ["user_id"] = "5f0e3a1b2c3d4e5f6a7b8c9d",
            ["status"] = status,
            ["merchant_name"] = "Test merchant",
            ["amount"] = amount,
            ["paid_amount"] = amount,
            ["currency"] = currency,
            ["payment_method"] = "BANK_TRANSFER",
            ["paid_at"] = "2026-01-15T03:04:05.000Z",
            ["updated"] = "2026-01-15T03:04:06.000Z",
        };
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    /// <summary>A Midtrans notification: gross_amount as Midtrans writes it ("1000000.00"), signed with <paramref name="serverKey"/>.</summary>
    public static JsonObject Midtrans(
        string serverKey, string orderId, string transactionId, string transactionStatus, string statusCode, long grossAmount, string? fraudStatus = null,
        string? signedStatusCode = null)
    {
        var gross = grossAmount.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".00";
        var body = new JsonObject
        {
            ["transaction_time"] = "2026-01-15 10:04:05",
            ["transaction_status"] = transactionStatus,
            ["transaction_id"] = transactionId,
            ["status_message"] = "midtrans payment notification",
            ["status_code"] = statusCode,
            ["signature_key"] = MidtransSignature(orderId, signedStatusCode ?? statusCode, gross, serverKey),
            ["payment_type"] = "credit_card",
            ["order_id"] = orderId,
            ["merchant_id"] = "G123456789",
            ["gross_amount"] = gross,
            ["fraud_status"] = fraudStatus,
            ["currency"] = "IDR",
        };
        if (fraudStatus is null)
        {
            body.Remove("fraud_status");
        }

        if (transactionStatus == "settlement")
        {
            body["settlement_time"] = "2026-01-15 10:05:00";
        }

        return body;
    }

    public static string MidtransSignature(string orderId, string statusCode, string grossAmount, string serverKey) =>
        Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes(orderId + statusCode + grossAmount + serverKey)));

    public static Task<HttpResponseMessage> PostMidtransAsync(HttpClient client, JsonObject body) =>
        PostRawAsync(client, "midtrans", Encoding.UTF8.GetBytes(body.ToJsonString()));

    /// <summary>What a webhook can change, read from the database: compared before and after a refusal.</summary>
    public static async Task<Snapshot> SnapshotAsync(PayTrustApiFactory factory, Guid invoiceId)
    {
        await using var connection = await factory.Database.OpenAsync();
        return await connection.QuerySingleAsync<Snapshot>(
            """
            SELECT i.status AS Status, i.amount_paid AS AmountPaid, i.overpayment_amount AS Overpayment,
                   (SELECT COUNT(*) FROM payments p WHERE p.invoice_id = i.id) AS Payments,
                   (SELECT COUNT(*) FROM outbox_events e WHERE e.tenant_id = i.tenant_id) AS Events,
                   (SELECT COUNT(*) FROM payment_discrepancies d WHERE d.invoice_id = i.id) AS Discrepancies,
                   (SELECT COUNT(*) FROM refunds r WHERE r.invoice_id = i.id) AS Refunds,
                   (SELECT COUNT(*) FROM webhook_events) AS WebhookEvents,
                   (SELECT GROUP_CONCAT(a.status ORDER BY a.attempt_number) FROM payment_attempts a WHERE a.invoice_id = i.id) AS Attempts
            FROM invoices i WHERE i.id = @InvoiceId
            """, new { InvoiceId = invoiceId });
    }

    public static async Task<long> CountAsync(PayTrustApiFactory factory, string sql, object parameters)
    {
        await using var connection = await factory.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql, parameters);
    }

    public static async Task<IReadOnlyList<DiscrepancyRow>> DiscrepanciesAsync(PayTrustApiFactory factory, Guid invoiceId)
    {
        await using var connection = await factory.Database.OpenAsync();
        return (await connection.QueryAsync<DiscrepancyRow>(
            """
            SELECT kind AS Kind, expected_currency_code AS ExpectedCurrency, expected_amount AS Expected, received_currency_code AS ReceivedCurrency,
                   received_amount AS Received, difference AS Difference, payment_id AS PaymentId
            FROM payment_discrepancies WHERE invoice_id = @InvoiceId ORDER BY created_at, id
            """, new { InvoiceId = invoiceId })).ToList();
    }

    public static async Task<EventRow> WebhookEventAsync(PayTrustApiFactory factory, Guid eventId)
    {
        await using var connection = await factory.Database.OpenAsync();
        return await connection.QuerySingleAsync<EventRow>(EventSql + " WHERE id = @Id", new { Id = eventId });
    }

    public static async Task<IReadOnlyList<EventRow>> WebhookEventsAsync(PayTrustApiFactory factory, string where, object parameters)
    {
        await using var connection = await factory.Database.OpenAsync();
        return (await connection.QueryAsync<EventRow>(EventSql + " WHERE " + where + " ORDER BY received_at, id", parameters)).ToList();
    }

    private const string EventSql = """
        SELECT id AS Id, gateway AS Gateway, tenant_id AS TenantId, invoice_id AS InvoiceId, reference AS Reference, status AS Status,
               outcome AS Outcome, retry_count AS RetryCount, first_failed_at AS FirstFailedAt, next_retry_at AS NextRetryAt,
               last_error AS LastError, received_at AS ReceivedAt
        FROM webhook_events
        """;

    /// <summary>One pass of the durable retries, as the worker runs it.</summary>
    public static async Task<int> RunRetryPassAsync(PayTrustApiFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new RetryDueWebhooks(50));
    }

    /// <summary>The tenant's events of one type through GET /events.</summary>
    public static async Task<IReadOnlyList<JsonElement>> EventsAsync(HttpClient client, string type)
    {
        var page = await HttpAssert.JsonAsync(await client.GetAsync($"/events?type={type}&page_size=100"), HttpStatusCode.OK);
        return page.GetProperty("data").EnumerateArray().ToList();
    }

    /// <summary>A tenant, an IDR invoice on <paramref name="gateway"/> and one attempt on it.</summary>
    public static async Task<Setup> AttemptAsync(WebhookApiFactory factory, string gateway = "sandbox", JsonObject? body = null, int? installment = null)
    {
        var tenant = await factory.CreateTenantAsync();
        if (gateway != "sandbox")
        {
            await InvoiceApi.SetGatewayCredentialsAsync(factory, tenant, gateway);
        }

        body ??= InvoiceApi.OneMillionRupiah();
        body["gateway"] = gateway;
        var invoiceId = await InvoiceApi.CreateIdAsync(factory, tenant, body);
        var client = factory.TenantClient(tenant.ApiKey);
        var attempt = await PaymentApi.TakeAttemptAsync(client, invoiceId, installment);
        return new Setup(tenant, client, invoiceId, attempt.GetProperty("id").GetGuid(), attempt.GetProperty("reference").GetString()!,
            attempt.GetProperty("amount").GetInt64());
    }

    public static Task<HttpResponseMessage> PutCredentialsAsync(HttpClient client, string gateway, object body) =>
        client.PutAsJsonAsync($"/gateways/{gateway}/credentials", body);

    internal sealed record Setup(TestTenant Tenant, HttpClient Client, Guid InvoiceId, Guid AttemptId, string Reference, long Amount);

    internal sealed record Snapshot(
        string Status, long AmountPaid, long Overpayment, long Payments, long Events, long Discrepancies, long Refunds, long WebhookEvents, string? Attempts);

    internal sealed record DiscrepancyRow(string Kind, string ExpectedCurrency, long Expected, string ReceivedCurrency, long Received, long? Difference, Guid? PaymentId);

    internal sealed record EventRow(
        Guid Id, string Gateway, Guid? TenantId, Guid? InvoiceId, string? Reference, string Status, string? Outcome, int RetryCount,
        DateTime? FirstFailedAt, DateTime? NextRetryAt, string? LastError, DateTime ReceivedAt);
}
