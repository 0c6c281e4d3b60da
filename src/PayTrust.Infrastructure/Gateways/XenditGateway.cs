using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;

namespace PayTrust.Infrastructure.Gateways;

/// <summary>
/// Xendit's Invoice API (spec §7.3): one invoice per attempt, <c>external_id</c> = the attempt reference,
/// amounts in major units. Every outcome is a <see cref="RailResult{T}"/>; nothing here throws for an answer.
/// </summary>
public sealed class XenditGateway(HttpClient http, IConfiguration configuration) : ICheckoutGateway
{
    public const string GatewayCode = "xendit";

    public string Code => GatewayCode;

    public async Task<RailResult<CheckoutSession>> CreateSessionAsync(CheckoutRequest request, GatewayCredentials? credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (SecretKey(credentials) is not { } key)
        {
            return RailResult<CheckoutSession>.Failed(FailureCode.CredentialsMissing, "xendit secret key not set");
        }

        var body = new CreateInvoice(
            request.Reference,
            WireAmount.ToMajor(request.Amount),
            request.Amount.Currency.Code,
            request.Description,
            Math.Max(1, (long)Math.Floor((request.ExpiresAt - request.Now).TotalSeconds)),
            request.Items.Count == 0 ? null : request.Items.Select(item => new InvoiceItem(item.Name, item.Quantity, WireAmount.ToMajor(item.UnitPrice))).ToArray(),
            request.SuccessRedirectUrl,
            request.FailureRedirectUrl,
            Customer(request.Customer));

        using var message = GatewayHttp.Request(HttpMethod.Post, Url(credentials!, "/v2/invoices"), key, body);
        using var reply = await GatewayHttp.SendAsync(http, message, cancellationToken);
        if (Failure<CheckoutSession>(reply) is { } failure)
        {
            return failure;
        }

        var invoice = reply.Root!.Value;
        return invoice.String("id") is { Length: > 0 } id
               && invoice.String("invoice_url") is { Length: > 0 } url
               && ParseInstant(invoice.String("expiry_date")) is { } expiresAt
            ? RailResult<CheckoutSession>.Succeeded(new CheckoutSession(id, url, expiresAt))
            : RailResult<CheckoutSession>.Failed(FailureCode.UnexpectedGatewayResponse, "invoice without id, invoice_url or expiry_date");
    }

    public async Task<RailResult<GatewayPaymentStatus>> GetStatusAsync(GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (SecretKey(credentials) is not { } key)
        {
            return RailResult<GatewayPaymentStatus>.Failed(FailureCode.CredentialsMissing, "xendit secret key not set");
        }

        var (invoice, failure) = await FindInvoiceAsync(session, credentials!, key, cancellationToken);
        if (failure is not null)
        {
            return RailResult<GatewayPaymentStatus>.Failed(failure.Value.Code, failure.Value.Detail);
        }

        using (invoice)
        {
            return StatusOf(invoice!.RootElement, session.Currency);
        }
    }

    /// <summary>
    /// A refund callback is confirmed with the Refund API (GET /refunds/{id}): its status, amount and currency are what is
    /// booked, and it must be a refund of the attempt's own invoice. Payment callbacks are answered as they are (ADR 32).
    /// </summary>
    public async Task<RailResult<GatewayNotification>> ConfirmAsync(
        GatewaySession session, GatewayNotification notification, GatewayCredentials? credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(notification);
        if (notification.Kind != NotificationKind.MoneyOut || notification.RefundId is not { } refundId)
        {
            return RailResult<GatewayNotification>.Succeeded(notification);
        }

        if (SecretKey(credentials) is not { } key)
        {
            return RailResult<GatewayNotification>.Failed(FailureCode.CredentialsMissing, "xendit secret key not set");
        }

        using var message = GatewayHttp.Request(HttpMethod.Get, Url(credentials!, $"/refunds/{Uri.EscapeDataString(refundId)}"), key);
        using var reply = await GatewayHttp.SendAsync(http, message, cancellationToken);
        if (Failure<GatewayNotification>(reply) is { } failure)
        {
            return failure;
        }

        var refund = reply.Root!.Value;
        var invoiceId = session.GatewayReference ?? notification.GatewayTransactionId;
        if (refund.String("invoice_id") != invoiceId)
        {
            return RailResult<GatewayNotification>.Failed(FailureCode.InvalidRequest, "the refund is not of this attempt's invoice");
        }

        var status = refund.String("status");
        var currency = refund.String("currency") ?? "";
        if (XenditStatus.Refund(status) is not { } report
            || !refund.TryGetProperty("amount", out var amountValue)
            || WebhookAmount.FromNumber(amountValue, currency, out var amount, out var asReceived) is not null)
        {
            return RailResult<GatewayNotification>.Failed(FailureCode.UnexpectedGatewayResponse, "refund without a known status or a positive amount");
        }

        var entry = new GatewayRefund(refundId, amount, refund.String("reason"), ParseInstant(refund.String("updated") ?? refund.String("created")));
        return RailResult<GatewayNotification>.Succeeded(notification with
        {
            NeedsConfirmation = false,
            GatewayStatus = status!,
            Status = report,
            GatewayTransactionId = invoiceId,
            CurrencyCode = currency,
            Amount = amount,
            AmountAsReceived = asReceived,
            RefundAmount = amount,
            RefundReason = entry.Reason,
            OccurredAt = entry.OccurredAt,
            Refunds = [entry],
        });
    }

    public async Task<RailResult<GatewaySession>> ExpireSessionAsync(GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (SecretKey(credentials) is not { } key)
        {
            return RailResult<GatewaySession>.Failed(FailureCode.CredentialsMissing, "xendit secret key not set");
        }

        var id = session.GatewayReference;
        if (string.IsNullOrEmpty(id))
        {
            var (found, failure) = await FindInvoiceAsync(session, credentials!, key, cancellationToken);
            if (failure is not null)
            {
                return RailResult<GatewaySession>.Failed(failure.Value.Code, failure.Value.Detail);
            }

            using (found)
            {
                id = found!.RootElement.String("id");
            }
        }

        using var message = GatewayHttp.Request(HttpMethod.Post, Url(credentials!, $"/invoices/{Uri.EscapeDataString(id!)}/expire!"), key);
        using var reply = await GatewayHttp.SendAsync(http, message, cancellationToken);
        if (Failure<GatewaySession>(reply) is { } failed)
        {
            return failed;
        }

        return reply.Root!.Value.String("status") == "EXPIRED"
            ? RailResult<GatewaySession>.Succeeded(session with { GatewayReference = id })
            : RailResult<GatewaySession>.Failed(FailureCode.UnexpectedGatewayResponse, "expire answered without status EXPIRED");
    }

    /// <summary>
    /// The invoice read by <see cref="XenditStatus"/>, the callbacks' translator: PENDING → pending; PAID/SETTLED → paid
    /// with paid_amount, or the invoice amount when paid_amount is absent (as the callback reader does: the invoice GET
    /// does not document paid_amount); EXPIRED → failed(expired). Another currency than the attempt's is reported as it
    /// is, for the caller to record as a currency mismatch.
    /// </summary>
    internal static RailResult<GatewayPaymentStatus> StatusOf(JsonElement invoice, Currency currency)
    {
        var status = invoice.String("status");
        switch (XenditStatus.Invoice(status))
        {
            case null:
                return RailResult<GatewayPaymentStatus>.Failed(FailureCode.UnexpectedGatewayResponse, "unknown invoice status");
            case { Status: TxSts.RJCT } rejected:
                return RailResult<GatewayPaymentStatus>.Failed(rejected.Reason!, $"invoice {status}");
            case { Status: not TxSts.ACSC }:
                return RailResult<GatewayPaymentStatus>.Pending(new GatewayPaymentStatus(status!, null, null, null));
        }

        if (invoice.String("id") is not { Length: > 0 } id)
        {
            return RailResult<GatewayPaymentStatus>.Failed(FailureCode.UnexpectedGatewayResponse, "invoice without id");
        }

        var paidAtText = invoice.String("paid_at");
        var paidAt = ParseInstant(paidAtText);
        if (paidAtText is not null && paidAt is null)
        {
            return RailResult<GatewayPaymentStatus>.Failed(FailureCode.UnexpectedGatewayResponse, "unreadable paid_at");
        }

        var amountField = invoice.TryGetProperty("paid_amount", out var paidAmountValue) && paidAmountValue.ValueKind != JsonValueKind.Null ? "paid_amount" : "amount";
        invoice.TryGetProperty(amountField, out var amountValue);
        var code = invoice.String("currency") ?? currency.Code;
        if (code != currency.Code)
        {
            // In the currency Xendit states, when PayTrust knows it: the mismatch is recorded with what was received.
            Money? received = Currency.TryParse(code, out var other) && WebhookAmount.FromNumber(amountValue, code, out var minor, out _) is null
                ? new Money(minor!.Value, other)
                : null;
            return RailResult<GatewayPaymentStatus>.Succeeded(new GatewayPaymentStatus(status!, received, id, paidAt)
            {
                CurrencyCode = code,
                AmountAsReceived = amountValue.ValueKind == JsonValueKind.Undefined ? "" : amountValue.GetRawText(),
            });
        }

        // The invoice id: one invoice is paid at most once, and the id is in every status answer and callback.
        return WebhookAmount.FromNumber(amountValue, currency.Code, out var paid, out _) is null
            ? RailResult<GatewayPaymentStatus>.Succeeded(new GatewayPaymentStatus(status!, new Money(paid!.Value, currency), id, paidAt))
            : RailResult<GatewayPaymentStatus>.Failed(FailureCode.UnexpectedGatewayResponse, $"{status} invoice without a positive {amountField} in {currency.Code}");
    }

    /// <summary>
    /// The invoice by its id, or — when creation never told us the id (it timed out) — by external_id, which
    /// Xendit answers with a list.
    /// </summary>
    private async Task<(JsonDocument? Invoice, (FailureCode Code, string Detail)? Failure)> FindInvoiceAsync(
        GatewaySession session, GatewayCredentials credentials, string key, CancellationToken cancellationToken)
    {
        var byId = !string.IsNullOrEmpty(session.GatewayReference);
        var path = byId
            ? $"/v2/invoices/{Uri.EscapeDataString(session.GatewayReference!)}"
            : $"/v2/invoices?external_id={Uri.EscapeDataString(session.Reference)}";
        using var message = GatewayHttp.Request(HttpMethod.Get, Url(credentials, path), key);
        var reply = await GatewayHttp.SendAsync(http, message, cancellationToken);
        using (reply)
        {
            if (Failure<GatewayPaymentStatus>(reply, expectObject: byId) is { } failure)
            {
                return (null, (failure.Failure!, failure.Detail!));
            }

            var root = reply.Body!.RootElement;
            if (byId)
            {
                return (JsonDocument.Parse(root.GetRawText()), null);
            }

            // Newest first, as Xendit lists them; one attempt creates at most one invoice anyway.
            var first = root.EnumerateArray().FirstOrDefault(element => element.ValueKind == JsonValueKind.Object);
            return first.ValueKind == JsonValueKind.Object
                ? (JsonDocument.Parse(first.GetRawText()), null)
                : (null, (FailureCode.InvalidRequest, "no invoice with this external_id"));
        }
    }

    /// <summary>The failure an answer stands for, or null when it is a usable success.</summary>
    private static RailResult<T>? Failure<T>(GatewayReply reply, bool expectObject = true)
    {
        if (reply.Failure is { } code)
        {
            return RailResult<T>.Failed(code, reply.Detail!);
        }

        if (!reply.IsSuccessStatus)
        {
            var errorCode = GatewayHttp.SafeCode(reply.Root?.String("error_code"));
            var detail = errorCode is null ? $"HTTP {reply.Status}" : $"HTTP {reply.Status} {errorCode}";
            return RailResult<T>.Failed(ForError(reply.Status, errorCode), detail);
        }

        if (reply.Malformed)
        {
            return RailResult<T>.Failed(FailureCode.UnexpectedGatewayResponse, $"HTTP {reply.Status} with a body that is not JSON");
        }

        var kind = reply.Body?.RootElement.ValueKind;
        return kind == (expectObject ? JsonValueKind.Object : JsonValueKind.Array)
            ? null
            : RailResult<T>.Failed(FailureCode.UnexpectedGatewayResponse, $"HTTP {reply.Status} with an unexpected body");
    }

    private static FailureCode ForError(int status, string? errorCode) => errorCode switch
    {
        // The currency is not enabled on the merchant's Xendit account: set-up, not a bad request.
        "UNSUPPORTED_CURRENCY" or "CURRENCY_NOT_SUPPORTED" or "INVALID_CURRENCY" => FailureCode.CurrencyNotSupported,
        "INVALID_API_KEY" or "REQUEST_FORBIDDEN_ERROR" => FailureCode.CredentialsInvalid,
        "UNAVAILABLE_PAYMENT_METHOD_ERROR" or "NO_COLLECTION_METHODS_ERROR" => FailureCode.MethodNotSupported,
        _ when status == 404 => FailureCode.InvalidRequest,
        _ => GatewayHttp.ForStatus(status),
    };

    private Uri Url(GatewayCredentials credentials, string path) =>
        GatewayEndpoints.Combine(GatewayEndpoints.XenditBaseUrl(configuration, credentials.Mode), path);

    private static string? SecretKey(GatewayCredentials? credentials) =>
        string.IsNullOrWhiteSpace(credentials?.SecretKey) ? null : credentials.SecretKey;

    /// <summary>
    /// Xendit refuses a mobile_number that is not E.164 ("+628…"); a contact detail the invoice does not need
    /// must not cost the payment, so any other form is left out rather than sent.
    /// </summary>
    private static InvoiceCustomer? Customer(CheckoutCustomer? customer)
    {
        var mobile = customer?.Phone is { } phone && IsE164(phone) ? phone : null;
        return customer is null || (customer.Name is null && customer.Email is null && mobile is null)
            ? null
            : new InvoiceCustomer(customer.Name, customer.Email, mobile);
    }

    internal static bool IsE164(string phone) =>
        phone.Length is >= 8 and <= 16 && phone[0] == '+' && phone[1] is >= '1' and <= '9' && phone.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;

    private static Instant? ParseInstant(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? Instant.FromDateTimeOffset(value)
            : null;

    private sealed record CreateInvoice(
        string ExternalId,
        decimal Amount,
        string Currency,
        string Description,
        long InvoiceDuration,
        IReadOnlyList<InvoiceItem>? Items,
        string SuccessRedirectUrl,
        string FailureRedirectUrl,
        InvoiceCustomer? Customer);

    private sealed record InvoiceItem(string Name, int Quantity, decimal Price);

    private sealed record InvoiceCustomer(string? GivenNames, string? Email, string? MobileNumber);
}
