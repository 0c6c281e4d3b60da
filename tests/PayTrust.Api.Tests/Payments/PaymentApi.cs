using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;

namespace PayTrust.Api.Tests.Payments;

/// <summary>Helpers for the payment tests: taking attempts and reading what the database holds.</summary>
internal static class PaymentApi
{
    public static Task<HttpResponseMessage> PostAttemptAsync(HttpClient client, Guid invoiceId, int? installmentNumber = null) =>
        installmentNumber is null
            ? client.PostAsync($"/invoices/{invoiceId}/payment-attempts", null)
            : client.PostAsJsonAsync($"/invoices/{invoiceId}/payment-attempts", new { installment_number = installmentNumber });

    public static async Task<JsonElement> TakeAttemptAsync(HttpClient client, Guid invoiceId, int? installmentNumber = null) =>
        await HttpAssert.JsonAsync(await PostAttemptAsync(client, invoiceId, installmentNumber), HttpStatusCode.Created);

    public static async Task<IReadOnlyList<AttemptRow>> AttemptsAsync(PayTrustApiFactory factory, Guid invoiceId)
    {
        await using var connection = await factory.Database.OpenAsync();
        return (await connection.QueryAsync<AttemptRow>(
            """
            SELECT id AS Id, reference AS Reference, status AS Status, failure_code AS FailureCode, amount AS Amount,
                   installment_number AS InstallmentNumber, gateway_reference AS GatewayReference, checkout_url AS CheckoutUrl
            FROM payment_attempts WHERE invoice_id = @InvoiceId ORDER BY attempt_number
            """, new { InvoiceId = invoiceId })).ToList();
    }

    public static async Task<InvoiceState> InvoiceStateAsync(PayTrustApiFactory factory, Guid invoiceId)
    {
        await using var connection = await factory.Database.OpenAsync();
        return await connection.QuerySingleAsync<InvoiceState>(
            """
            SELECT status AS Status, payment_initiated_at IS NOT NULL AS Initiated,
                   (SELECT COUNT(*) FROM outbox_events e WHERE e.subject_id = i.id AND e.type = 'invoice.payment_initiated') AS InitiatedEvents
            FROM invoices i WHERE id = @InvoiceId
            """, new { InvoiceId = invoiceId });
    }

    public static async Task ExecuteAsync(PayTrustApiFactory factory, string sql, object parameters)
    {
        await using var connection = await factory.Database.OpenAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    public sealed record AttemptRow(Guid Id, string Reference, string Status, string? FailureCode, long Amount, short? InstallmentNumber, string? GatewayReference, string? CheckoutUrl);

    public sealed record InvoiceState(string Status, int Initiated, long InitiatedEvents);
}
