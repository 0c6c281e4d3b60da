using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using NodaTime;
using NodaTime.Text;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;

namespace PayTrust.Infrastructure.Gateways;

/// <summary>
/// Midtrans Snap for checkout and closing, the Core API for status and expiry (spec §7.3, ADR 31). IDR only. Midtrans
/// often answers HTTP 200 with its own <c>status_code</c> in the body, so that code, when present, decides.
/// </summary>
public sealed class MidtransGateway(HttpClient http, IConfiguration configuration, IClock clock) : ICheckoutGateway
{
    public const string GatewayCode = "midtrans";

    /// <summary>Midtrans rejects longer item names (item_details.name is String(50)).</summary>
    public const int MaxItemNameLength = 50;

    /// <summary>
    /// The shortest and longest Snap expiry Midtrans accepts, 5 minutes and 7 days ("Expire a Snap Session",
    /// docs.midtrans.com/reference/expire-a-snap-session): a session is opened for the time asked, brought into that range.
    /// </summary>
    public static readonly Duration MinSnapExpiry = Duration.FromMinutes(5);

    public static readonly Duration MaxSnapExpiry = Duration.FromDays(7);

    /// <summary>
    /// How long after a Snap session's end a status 404 (no Core transaction) counts as "expired, never paid" rather than
    /// "not paid yet": the end PayTrust recorded for a session whose creation answer was lost may lie up to
    /// <see cref="MinSnapExpiry"/> before the one sent, and Midtrans' clock and ours may differ a little.
    /// </summary>
    public static readonly Duration NotFoundAfterExpiryMargin = Duration.FromMinutes(5);

    private static readonly DateTimeZone Jakarta = DateTimeZoneProviders.Tzdb["Asia/Jakarta"];
    private static readonly OffsetDateTimePattern StartTimePattern = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd HH':'mm':'ss o<+HHmm>");
    private static readonly LocalDateTimePattern LocalTimePattern = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd HH':'mm':'ss");

    public string Code => GatewayCode;

    public async Task<RailResult<CheckoutSession>> CreateSessionAsync(CheckoutRequest request, GatewayCredentials? credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ServerKey(credentials) is not { } key)
        {
            return RailResult<CheckoutSession>.Failed(FailureCode.CredentialsMissing, "midtrans server key not set");
        }

        if (!ReferenceEquals(request.Amount.Currency, Currency.IDR))
        {
            return RailResult<CheckoutSession>.Failed(FailureCode.CurrencyNotSupported, $"midtrans takes IDR only, not {request.Amount.Currency.Code}");
        }

        // Midtrans refuses item lists that do not add up; saying so here costs no call and names the cause.
        if (request.Items.Count > 0 && request.Items.Sum(item => checked(item.UnitPrice.Minor * item.Quantity)) != request.Amount.Minor)
        {
            return RailResult<CheckoutSession>.Failed(FailureCode.InvalidRequest, "item_details do not sum to gross_amount");
        }

        var (startTime, minutes, endsAt) = SnapExpiry(request.Now, request.ExpiresAt);
        var body = new SnapTransaction(
            new TransactionDetails(request.Reference, request.Amount.Minor),
            request.Items.Count == 0
                ? null
                : request.Items.Select((item, index) => new ItemDetail(
                    (index + 1).ToString(CultureInfo.InvariantCulture), item.UnitPrice.Minor, item.Quantity, Truncate(item.Name))).ToArray(),
            CustomerDetails(request.Customer),
            new Expiry(startTime, "minute", minutes),
            new Callbacks(request.SuccessRedirectUrl));

        using var message = GatewayHttp.Request(HttpMethod.Post, SnapUrl(credentials!, "/snap/v1/transactions"), key, body);
        using var reply = await GatewayHttp.SendAsync(http, message, cancellationToken);
        if (Failure<CheckoutSession>(reply, out _) is { } failure)
        {
            return failure;
        }

        var root = reply.Root!.Value;
        return root.String("token") is { Length: > 0 } token && root.String("redirect_url") is { Length: > 0 } url
            ? RailResult<CheckoutSession>.Succeeded(new CheckoutSession(token, url, endsAt))
            : RailResult<CheckoutSession>.Failed(FailureCode.UnexpectedGatewayResponse, "snap answer without token or redirect_url");
    }

    public async Task<RailResult<GatewayPaymentStatus>> GetStatusAsync(GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (ServerKey(credentials) is not { } key)
        {
            return RailResult<GatewayPaymentStatus>.Failed(FailureCode.CredentialsMissing, "midtrans server key not set");
        }

        using var message = GatewayHttp.Request(HttpMethod.Get, CoreUrl(credentials!, $"/v2/{Uri.EscapeDataString(session.Reference)}/status"), key);
        using var reply = await GatewayHttp.SendAsync(http, message, cancellationToken);
        if (Failure<GatewayPaymentStatus>(reply, out var code, notFoundIsAnswer: true) is { } failure)
        {
            return failure;
        }

        if (code != 404)
        {
            return StatusOf(reply.Root!.Value, session.Currency);
        }

        // No Core transaction: the customer has not chosen a payment method on the Snap page (yet). Once the page has
        // ended that can never change — nothing was paid and nothing can be — so the session is over, not pending for ever.
        return session.ExpiresAt is { } end && clock.GetCurrentInstant() >= end + NotFoundAfterExpiryMargin
            ? RailResult<GatewayPaymentStatus>.Failed(FailureCode.Expired, "no transaction by the end of the snap session")
            : RailResult<GatewayPaymentStatus>.Pending(new GatewayPaymentStatus("not_found", null, null, null));
    }

    /// <summary>
    /// The Core API's status of the order (GET /v2/{order_id}/status), read by the same translator as notifications: what
    /// it says — status, transaction id, amount, refunds and chargebacks — is what a notification that needs confirming
    /// books (ADR 32). No transaction at Midtrans (404) confirms nothing.
    /// </summary>
    public async Task<RailResult<GatewayNotification>> ConfirmAsync(
        GatewaySession session, GatewayNotification notification, GatewayCredentials? credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(notification);
        if (ServerKey(credentials) is not { } key)
        {
            return RailResult<GatewayNotification>.Failed(FailureCode.CredentialsMissing, "midtrans server key not set");
        }

        using var message = GatewayHttp.Request(HttpMethod.Get, CoreUrl(credentials!, $"/v2/{Uri.EscapeDataString(session.Reference)}/status"), key);
        using var reply = await GatewayHttp.SendAsync(http, message, cancellationToken);
        if (Failure<GatewayNotification>(reply, out var code, notFoundIsAnswer: true) is { } failure)
        {
            return failure;
        }

        if (code == 404)
        {
            return RailResult<GatewayNotification>.Failed(FailureCode.InvalidRequest, "no transaction for this order_id");
        }

        var root = reply.Root!.Value;
        var status = root.String("transaction_status");
        if (MidtransStatus.Translate(status, root.String("fraud_status")) is not { } verdict)
        {
            return RailResult<GatewayNotification>.Failed(FailureCode.UnexpectedGatewayResponse, "unknown or contradictory transaction_status");
        }

        var currency = root.String("currency") ?? MidtransWebhooks.DefaultCurrency;
        if (root.String("transaction_id") is not { Length: > 0 } transactionId
            || root.String("gross_amount") is not { } gross
            || WebhookAmount.FromText(gross, currency, out var amount) is not null)
        {
            return RailResult<GatewayNotification>.Failed(FailureCode.UnexpectedGatewayResponse, "status without transaction_id or a positive gross_amount");
        }

        List<GatewayRefund> refunds = [];
        if (verdict.Kind == NotificationKind.MoneyOut && MidtransWebhooks.ReadMoneyOut(root, currency, out refunds) is { } problem)
        {
            return RailResult<GatewayNotification>.Failed(FailureCode.UnexpectedGatewayResponse, problem);
        }

        return RailResult<GatewayNotification>.Succeeded(notification with
        {
            Kind = verdict.Kind,
            MoneyOut = verdict.MoneyOut,
            NeedsConfirmation = false,
            MayReverse = MidtransStatus.MayReverse(status),
            GatewayStatus = status!,
            Status = verdict.Report,
            GatewayTransactionId = transactionId,
            CurrencyCode = currency,
            Amount = amount,
            AmountAsReceived = gross,
            Refunds = refunds,
            RefundId = refunds.Count == 0 ? null : refunds[^1].RefundId,
            RefundAmount = refunds.Count == 0 ? null : refunds[^1].Amount,
            RefundReason = refunds.Count == 0 ? null : refunds[^1].Reason,
        });
    }

    /// <summary>
    /// A Snap session has two parts, closed in turn (ADR 31). The page, by its token: <c>POST {snap}/snap/v1/transactions/{token}/cancel</c>
    /// ("Cancel a Snap page session via API", docs.midtrans.com/reference/cancel-a-snap-session), after which the customer
    /// can no longer pay on it. Then the Core transaction the customer may already have started there (a virtual account
    /// number, a QR code), which outlives the page: <c>POST {core}/v2/{order_id}/expire</c>. Expire rather than cancel,
    /// because Midtrans expires only a pending transaction, whereas cancel also voids a captured card payment — money
    /// the customer has paid, which PayTrust applies rather than undoes. Succeeded once neither part can be paid; Pending
    /// when the page's token is unknown (its creation answer was lost): the page then stays open until its own expiry.
    /// </summary>
    public async Task<RailResult<GatewaySession>> ExpireSessionAsync(GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (ServerKey(credentials) is not { } key)
        {
            return RailResult<GatewaySession>.Failed(FailureCode.CredentialsMissing, "midtrans server key not set");
        }

        var pageClosed = false;
        if (session.GatewayReference is { Length: > 0 } token)
        {
            var (page, failed) = await CancelSnapAsync(token, credentials!, key, cancellationToken);
            if (failed is not null)
            {
                return failed;
            }

            // "Transaction is on progress": the customer started a payment there, so the Core transaction decides.
            pageClosed = page != SnapCancel.InProgress;
        }

        using var message = GatewayHttp.Request(HttpMethod.Post, CoreUrl(credentials!, $"/v2/{Uri.EscapeDataString(session.Reference)}/expire"), key);
        using var reply = await GatewayHttp.SendAsync(http, message, cancellationToken);
        if (Failure<GatewaySession>(reply, out var code, notFoundIsAnswer: true) is { } failure)
        {
            return failure;
        }

        return code switch
        {
            // No Core transaction: closed if the page is; otherwise the page stays open until its own expiry.
            404 => pageClosed ? RailResult<GatewaySession>.Succeeded(session) : RailResult<GatewaySession>.Pending(session),
            _ when reply.Root!.Value.String("transaction_status") == "expire" || code == 407 => RailResult<GatewaySession>.Succeeded(session),
            _ => RailResult<GatewaySession>.Failed(FailureCode.UnexpectedGatewayResponse, $"expire answered status_code {code}"),
        };
    }

    /// <summary>
    /// The Snap expiry to send for a session asked to run from <paramref name="now"/> to <paramref name="expiresAt"/>: its start
    /// time (Jakarta, whole seconds), whole minutes within Midtrans' range, and the end that makes, which is what the attempt records.
    /// </summary>
    internal static (string StartTime, long Minutes, Instant EndsAt) SnapExpiry(Instant now, Instant expiresAt)
    {
        var start = Instant.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var minutes = Math.Clamp((long)Math.Floor((expiresAt - start).TotalMinutes), (long)MinSnapExpiry.TotalMinutes, (long)MaxSnapExpiry.TotalMinutes);
        return (StartTime(start), minutes, start + Duration.FromMinutes(minutes));
    }

    private enum SnapCancel
    {
        /// <summary>Cancelled now, or before.</summary>
        Closed,
        /// <summary>Midtrans knows no such token (it ended, or never was): nothing of the page is open.</summary>
        NotFound,
        /// <summary>A payment has been started on the page; the Core transaction is what is left to close.</summary>
        InProgress,
    }

    /// <summary>
    /// Cancels the Snap page. Midtrans documents the answers by their bodies — <c>{"canceled_at": …}</c>, or
    /// <c>error_messages</c> "token already canceled", "Transaction is on progress", "token not found" — not by their HTTP
    /// statuses, so the body decides; any other answer is a failure by its status.
    /// </summary>
    private async Task<(SnapCancel Result, RailResult<GatewaySession>? Failure)> CancelSnapAsync(
        string token, GatewayCredentials credentials, string key, CancellationToken cancellationToken)
    {
        using var message = GatewayHttp.Request(HttpMethod.Post, SnapUrl(credentials, $"/snap/v1/transactions/{Uri.EscapeDataString(token)}/cancel"), key);
        using var reply = await GatewayHttp.SendAsync(http, message, cancellationToken);
        if (reply.Failure is { } failed)
        {
            return (default, RailResult<GatewaySession>.Failed(failed, reply.Detail!));
        }

        if (reply.IsSuccessStatus && reply.Root?.String("canceled_at") is { Length: > 0 })
        {
            return (SnapCancel.Closed, null);
        }

        var messages = ErrorMessages(reply);
        if (messages.Contains("already cancel", StringComparison.OrdinalIgnoreCase))
        {
            return (SnapCancel.Closed, null);
        }

        if (messages.Contains("on progress", StringComparison.OrdinalIgnoreCase))
        {
            return (SnapCancel.InProgress, null);
        }

        if (messages.Contains("not found", StringComparison.OrdinalIgnoreCase))
        {
            return (SnapCancel.NotFound, null);
        }

        var code = reply.IsSuccessStatus ? FailureCode.UnexpectedGatewayResponse : GatewayHttp.ForStatus(reply.Status);
        return (default, RailResult<GatewaySession>.Failed(code, $"snap cancel answered HTTP {reply.Status}"));
    }

    private static string ErrorMessages(GatewayReply reply) =>
        reply.Root is { } root && root.TryGetProperty("error_messages", out var list) && list.ValueKind == JsonValueKind.Array
            ? string.Join(" | ", list.EnumerateArray().Where(item => item.ValueKind == JsonValueKind.String).Select(item => item.GetString()))
            : "";

    /// <summary>
    /// The status answer read by <see cref="MidtransStatus"/>, the notifications' translator: paid → Succeeded; pending,
    /// authorize and capture+challenge → Pending; rejections → Failed with their §7.6 code; anything undocumented or
    /// contradictory (settlement with fraud_status deny) → unexpected_gateway_response, never paid. A refund or
    /// chargeback was paid first, so it reports the payment and lists the money that left it.
    /// </summary>
    internal static RailResult<GatewayPaymentStatus> StatusOf(JsonElement transaction, Currency currency)
    {
        var status = transaction.String("transaction_status");
        if (MidtransStatus.Translate(status, transaction.String("fraud_status")) is not { } verdict)
        {
            return RailResult<GatewayPaymentStatus>.Failed(FailureCode.UnexpectedGatewayResponse, "unknown or contradictory transaction_status");
        }

        switch (verdict.Report.Status)
        {
            case TxSts.RJCT:
                return RailResult<GatewayPaymentStatus>.Failed(verdict.Report.Reason!, $"transaction_status {status}");
            case TxSts.PDNG or TxSts.ACCP:
                return RailResult<GatewayPaymentStatus>.Pending(new GatewayPaymentStatus(status!, null, null, null));
        }

        if (transaction.String("transaction_id") is not { Length: > 0 } transactionId)
        {
            return RailResult<GatewayPaymentStatus>.Failed(FailureCode.UnexpectedGatewayResponse, "paid transaction without transaction_id");
        }

        var paidAtText = transaction.String("settlement_time") ?? transaction.String("transaction_time");
        var paidAt = JakartaTime(paidAtText);
        if (paidAtText is not null && paidAt is null)
        {
            return RailResult<GatewayPaymentStatus>.Failed(FailureCode.UnexpectedGatewayResponse, "unreadable settlement_time or transaction_time");
        }

        var code = transaction.String("currency") ?? currency.Code;
        var gross = transaction.String("gross_amount");
        if (code != currency.Code)
        {
            // Not the attempt's money: reported as it is, for the caller to record as a currency mismatch.
            Money? received = Currency.TryParse(code, out var other) && WebhookAmount.FromText(gross, code, out var minor) is null
                ? new Money(minor!.Value, other)
                : null;
            return RailResult<GatewayPaymentStatus>.Succeeded(
                new GatewayPaymentStatus(status!, received, transactionId, paidAt) { CurrencyCode = code, AmountAsReceived = gross });
        }

        // gross_amount arrives as a string such as "24145.00"; zero is no payment.
        if (WebhookAmount.FromText(gross, currency.Code, out var paid) is not null)
        {
            return RailResult<GatewayPaymentStatus>.Failed(FailureCode.UnexpectedGatewayResponse, $"gross_amount is not a positive {currency.Code} amount");
        }

        IReadOnlyList<GatewayRefund> moneyOut = [];
        if (verdict.Kind == NotificationKind.MoneyOut)
        {
            if (MidtransWebhooks.ReadMoneyOut(transaction, currency.Code, out var listed) is { } problem)
            {
                return RailResult<GatewayPaymentStatus>.Failed(FailureCode.UnexpectedGatewayResponse, problem);
            }

            moneyOut = listed;
        }

        return RailResult<GatewayPaymentStatus>.Succeeded(new GatewayPaymentStatus(status!, new Money(paid!.Value, currency), transactionId, paidAt)
        {
            MoneyOutKind = verdict.MoneyOut,
            MoneyOut = moneyOut,
        });
    }

    /// <summary>"2026-01-05 17:30:00 +0700": the moment in Asia/Jakarta, the zone Midtrans reads expiry in.</summary>
    internal static string StartTime(Instant now) =>
        StartTimePattern.Format(now.InZone(Jakarta).ToOffsetDateTime().With(TimeAdjusters.TruncateToSecond));

    /// <summary>Midtrans' local Asia/Jakarta times ("2026-01-05 17:30:00") as instants.</summary>
    internal static Instant? JakartaTime(string? text) =>
        text is not null && LocalTimePattern.Parse(text) is { Success: true } parsed
            ? parsed.Value.InZoneLeniently(Jakarta).ToInstant()
            : null;

    internal static string Truncate(string name)
    {
        if (name.Length <= MaxItemNameLength)
        {
            return name;
        }

        // Never cut a surrogate pair in half: the half would make the JSON invalid UTF-16.
        var length = char.IsHighSurrogate(name[MaxItemNameLength - 1]) ? MaxItemNameLength - 1 : MaxItemNameLength;
        return name[..length];
    }

    /// <summary>
    /// The failure an answer stands for, or null when it is usable; <paramref name="code"/> is Midtrans' own
    /// status_code when the body has one, else the HTTP status. With <paramref name="notFoundIsAnswer"/>, 404 is
    /// an answer the caller interprets.
    /// </summary>
    private static RailResult<T>? Failure<T>(GatewayReply reply, out int code, bool notFoundIsAnswer = false)
    {
        code = reply.Status;
        if (reply.Failure is { } failed)
        {
            return RailResult<T>.Failed(failed, reply.Detail!);
        }

        if (reply.Malformed)
        {
            return RailResult<T>.Failed(
                reply.IsSuccessStatus ? FailureCode.UnexpectedGatewayResponse : GatewayHttp.ForStatus(reply.Status),
                $"HTTP {reply.Status} with a body that is not JSON");
        }

        if (reply.Root?.String("status_code") is { } text && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bodyCode))
        {
            code = bodyCode;
        }

        var detail = code == reply.Status ? $"HTTP {reply.Status}" : $"HTTP {reply.Status} status_code {code}";
        if (code == 404 && notFoundIsAnswer)
        {
            return null;
        }

        if (code is < 200 or > 299 && code != 407)
        {
            return RailResult<T>.Failed(ForStatus(code), detail);
        }

        return reply.Root is null
            ? RailResult<T>.Failed(FailureCode.UnexpectedGatewayResponse, $"{detail} with an unexpected body")
            : null;
    }

    private static FailureCode ForStatus(int code) => code switch
    {
        402 => FailureCode.MethodNotSupported,
        404 or 406 or 408 or 411 or 412 or 413 => FailureCode.InvalidRequest,
        _ => GatewayHttp.ForStatus(code),
    };

    private Uri SnapUrl(GatewayCredentials credentials, string path) =>
        GatewayEndpoints.Combine(GatewayEndpoints.MidtransSnapBaseUrl(configuration, credentials.Mode), path);

    private Uri CoreUrl(GatewayCredentials credentials, string path) =>
        GatewayEndpoints.Combine(GatewayEndpoints.MidtransCoreBaseUrl(configuration, credentials.Mode), path);

    private static string? ServerKey(GatewayCredentials? credentials) =>
        string.IsNullOrWhiteSpace(credentials?.ServerKey) ? null : credentials.ServerKey;

    private static Customer? CustomerDetails(CheckoutCustomer? customer) =>
        customer is null || (customer.Name is null && customer.Email is null && customer.Phone is null)
            ? null
            : new Customer(customer.Name, customer.Email, customer.Phone);

    private sealed record SnapTransaction(
        TransactionDetails TransactionDetails,
        IReadOnlyList<ItemDetail>? ItemDetails,
        Customer? CustomerDetails,
        Expiry Expiry,
        Callbacks Callbacks);

    private sealed record TransactionDetails(string OrderId, long GrossAmount);

    private sealed record ItemDetail(string Id, long Price, int Quantity, string Name);

    private sealed record Customer(string? FirstName, string? Email, string? Phone);

    private sealed record Expiry(string StartTime, string Unit, long Duration);

    private sealed record Callbacks(string Finish);
}
