using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace PayTrust.Testing.GatewayStandIns;

/// <summary>
/// Midtrans as the client sees it, Snap and Core API on one server: <c>POST /snap/v1/transactions</c> (201
/// <c>{token, redirect_url}</c>, errors <c>{"error_messages": […]}</c>), <c>POST /snap/v1/transactions/{token}/cancel</c>
/// (<c>{canceled_at}</c>, or the documented error messages "token not found", "token already canceled", "Transaction is on
/// progress" — Midtrans documents their bodies, not their HTTP statuses: here 404 for the first, 412 for the others),
/// <c>GET /v2/{order_id}/status</c> and <c>POST /v2/{order_id}/expire</c> (answers carry <c>status_code</c> in the body).
/// A Snap token alone is not a Core transaction: status and expire answer 404 "Transaction doesn't exist." until the test
/// sets a status. Each server key is one merchant account, which sees only its own tokens and orders.
/// </summary>
public sealed partial class MidtransStandIn : GatewayStandIn
{
    private static readonly TimeZoneInfo Jakarta = TimeZoneInfo.FindSystemTimeZoneById("Asia/Jakarta");
    private readonly ConcurrentDictionary<string, SnapTransaction> snaps = new();
    private readonly ConcurrentDictionary<string, CoreTransaction> transactions = new();

    private MidtransStandIn(string acceptedKey)
        : base(acceptedKey)
    {
    }

    /// <summary>When true, Core API errors come back as HTTP 200 with the error only in the body's status_code (as Midtrans often does).</summary>
    public bool ErrorsInBodyWithHttp200 { get; set; }

    public IReadOnlyList<SnapTransaction> SnapTransactions => snaps.Values.ToArray();

    public static async Task<MidtransStandIn> StartAsync(string acceptedKey)
    {
        var standIn = new MidtransStandIn(acceptedKey);
        await standIn.StartAsync();
        return standIn;
    }

    public SnapTransaction SnapFor(string orderId) => snaps[orderId];

    /// <summary>
    /// Puts the order's Core transaction in a state (pending, capture, settlement, deny, cancel, expire, …) as if
    /// the customer had acted on the Snap page. <paramref name="grossAmount"/> defaults to the Snap amount as
    /// Midtrans writes it ("150000.00").
    /// </summary>
    public void SetTransactionStatus(string orderId, string transactionStatus, string? fraudStatus = null, string? grossAmount = null, DateTimeOffset? at = null)
    {
        if (snaps.TryGetValue(orderId, out var page) && page.CanceledAt is not null && !transactions.ContainsKey(orderId))
        {
            throw new InvalidOperationException($"The Snap page of {orderId} was cancelled: the customer cannot start a payment on it.");
        }

        var gross = grossAmount
            ?? (snaps.TryGetValue(orderId, out var snap) ? snap.GrossAmount.ToString("0.00", CultureInfo.InvariantCulture) : throw new InvalidOperationException($"No Snap transaction {orderId}."));
        var moment = at ?? DateTimeOffset.UtcNow;
        transactions.AddOrUpdate(
            orderId,
            _ => new CoreTransaction(orderId, Guid.NewGuid().ToString(), transactionStatus, fraudStatus, gross, moment, moment),
            (_, existing) => existing with { TransactionStatus = transactionStatus, FraudStatus = fraudStatus, GrossAmount = gross, UpdatedAt = moment });
    }

    /// <summary>
    /// Money leaves the order's transaction as Midtrans reports it: <paramref name="transactionStatus"/> is refund,
    /// partial_refund, chargeback or partial_chargeback; the entry joins the transaction's <c>refunds</c> list (numbered
    /// 1, 2, … as <c>refund_chargeback_id</c>) that the status answer and the notification both carry.
    /// </summary>
    public void AddMoneyOut(string orderId, string transactionStatus, long amount, string? reason = null, DateTimeOffset? at = null)
    {
        var moment = at ?? DateTimeOffset.UtcNow;
        transactions.AddOrUpdate(
            orderId,
            _ => throw new InvalidOperationException($"No Core transaction {orderId}: money can only leave a paid one."),
            (_, existing) => existing with
            {
                TransactionStatus = transactionStatus,
                UpdatedAt = moment,
                MoneyOut = [.. existing.MoneyOut, new CoreMoneyOut(existing.MoneyOut.Count + 1, amount, reason, moment)],
            });
    }

    /// <summary>
    /// The HTTP notification Midtrans would POST for the order's transaction as it stands now: the status answer's
    /// fields plus <c>signature_key</c> = hex SHA-512(order_id + status_code + gross_amount + server key).
    /// </summary>
    public string NotificationBody(string orderId)
    {
        var transaction = transactions[orderId];
        var statusCode = StatusCode(transaction.TransactionStatus);
        var body = Render(transaction, statusCode, "midtrans payment notification");
        // Signed with the server key of the account the order belongs to.
        var key = snaps.TryGetValue(orderId, out var snap) ? snap.Account : AcceptedKey;
        var signed = System.Text.Encoding.UTF8.GetBytes(transaction.OrderId + statusCode + transaction.GrossAmount + key);
        body["signature_key"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData(signed));
        return JsonSerializer.Serialize(body);
    }

    public CoreTransaction? TransactionFor(string orderId) => transactions.TryGetValue(orderId, out var transaction) ? transaction : null;

    protected override bool IsCreation(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Value?.TrimEnd('/') == "/snap/v1/transactions";

    protected override async Task HandleAsync(HttpContext context, string body)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        if (IsCreation(request))
        {
            if (!IsAuthorized(request))
            {
                await SnapError(context, 401, "Access denied due to unauthorized transaction, please check client or server key",
                    "Visit https://snap-docs.midtrans.com/#request-headers for more details");
                return;
            }

            await CreateAsync(context, body);
            return;
        }

        if (HttpMethods.IsPost(request.Method) && SnapCancelPath().Match(path) is { Success: true } cancel)
        {
            await CancelSnapAsync(context, Uri.UnescapeDataString(cancel.Groups["token"].Value));
            return;
        }

        var core = CorePath().Match(path);
        if (!core.Success || !(HttpMethods.IsGet(request.Method) && core.Groups["action"].Value == "status"
                               || HttpMethods.IsPost(request.Method) && core.Groups["action"].Value == "expire"))
        {
            await CoreAnswer(context, 404, new() { ["status_code"] = "404", ["status_message"] = "The requested resource is not found" });
            return;
        }

        if (!IsAuthorized(request))
        {
            await CoreAnswer(context, 401, new() { ["status_code"] = "401", ["status_message"] = "Access denied due to unauthorized transaction, please check client or server key" });
            return;
        }

        var orderId = Uri.UnescapeDataString(core.Groups["order"].Value);
        // A transaction put in place without a Snap page (a test of the Core API alone) belongs to the first account.
        var account = snaps.TryGetValue(orderId, out var owner) ? owner.Account : AcceptedKey;
        if (!transactions.TryGetValue(orderId, out var transaction) || account != KeyOf(request))
        {
            await CoreAnswer(context, 404, new() { ["status_code"] = "404", ["status_message"] = "Transaction doesn't exist.", ["id"] = Guid.NewGuid().ToString() });
            return;
        }

        if (core.Groups["action"].Value == "status")
        {
            await WriteJsonAsync(context, 200, Render(transaction, StatusCode(transaction.TransactionStatus), "Success, transaction is found"));
            return;
        }

        if (transaction.TransactionStatus != "pending")
        {
            await CoreAnswer(context, 412, new() { ["status_code"] = "412", ["status_message"] = "Merchant cannot modify the status of the transaction" });
            return;
        }

        var expired = transactions[orderId] = transaction with { TransactionStatus = "expire", UpdatedAt = DateTimeOffset.UtcNow };
        // Midtrans answers a successful expire with HTTP 200 and status_code 407 in the body.
        await WriteJsonAsync(context, 200, Render(expired, "407", "Success, transaction has expired"));
    }

    private async Task CancelSnapAsync(HttpContext context, string token)
    {
        if (!IsAuthorized(context.Request))
        {
            await SnapError(context, 401, "Access denied due to unauthorized transaction, please check client or server key");
            return;
        }

        var snap = snaps.Values.FirstOrDefault(candidate => candidate.Token == token && candidate.Account == KeyOf(context.Request));
        if (snap is null)
        {
            await SnapError(context, 404, "token not found");
            return;
        }

        if (snap.CanceledAt is not null)
        {
            await SnapError(context, 412, "token already canceled");
            return;
        }

        if (transactions.ContainsKey(snap.OrderId))
        {
            await SnapError(context, 412, "Transaction is on progress");
            return;
        }

        var canceledAt = DateTimeOffset.UtcNow;
        snaps[snap.OrderId] = snap with { CanceledAt = canceledAt };
        await WriteJsonAsync(context, 200, new Dictionary<string, string> { ["canceled_at"] = canceledAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) });
    }

    private async Task CreateAsync(HttpContext context, string body)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            await SnapError(context, 400, "Request body is not valid JSON");
            return;
        }

        if (Validate(root) is { } problem)
        {
            await SnapError(context, 400, problem);
            return;
        }

        var details = root.GetProperty("transaction_details");
        var orderId = details.GetProperty("order_id").GetString()!;
        var snap = new SnapTransaction(orderId, Guid.NewGuid().ToString(), details.GetProperty("gross_amount").GetInt64(), root.Clone(), KeyOf(context.Request)!, null);
        if (!snaps.TryAdd(orderId, snap))
        {
            await SnapError(context, 400, "transaction_details.order_id has already been taken");
            return;
        }

        await WriteJsonAsync(context, 201, new Dictionary<string, string>
        {
            ["token"] = snap.Token,
            ["redirect_url"] = $"{BaseUrl}/snap/v4/redirection/{snap.Token}",
        });
    }

    /// <summary>What Snap's validation refuses, as its error message; null when the request is acceptable.</summary>
    private static string? Validate(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("transaction_details", out var details) || details.ValueKind != JsonValueKind.Object)
        {
            return "transaction_details is required";
        }

        if (!details.TryGetProperty("order_id", out var orderId) || orderId.ValueKind != JsonValueKind.String || !OrderId().IsMatch(orderId.GetString()!))
        {
            return "transaction_details.order_id is required, at most 50 characters of letters, digits, '-', '_', '~' and '.'";
        }

        if (!details.TryGetProperty("gross_amount", out var gross) || !IsPositiveInteger(gross, out var grossAmount))
        {
            return "transaction_details.gross_amount must be an integer greater than 0";
        }

        if (root.TryGetProperty("item_details", out var items))
        {
            if (items.ValueKind != JsonValueKind.Array)
            {
                return "item_details must be an array";
            }

            long sum = 0;
            foreach (var item in items.EnumerateArray())
            {
                if (!item.TryGetProperty("price", out var price) || price.ValueKind != JsonValueKind.Number || price.GetRawText().Contains('.', StringComparison.Ordinal) || !price.TryGetInt64(out var unit))
                {
                    return "item_details.price must be an integer";
                }

                if (!item.TryGetProperty("quantity", out var quantity) || !quantity.TryGetInt32(out var count) || count < 1)
                {
                    return "item_details.quantity must be an integer of at least 1";
                }

                if (!item.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString()!.Length is 0 or > 50)
                {
                    return "item_details.name is required and at most 50 characters";
                }

                sum += unit * count;
            }

            if (sum != grossAmount)
            {
                return "transaction_details.gross_amount is not equal to the sum of item_details";
            }
        }

        if (root.TryGetProperty("expiry", out var expiry))
        {
            if (!expiry.TryGetProperty("start_time", out var start) || !DateTimeOffset.TryParseExact(
                    start.GetString(), "yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                && !StartTime().IsMatch(start.GetString() ?? ""))
            {
                return "expiry.start_time must be yyyy-MM-dd HH:mm:ss Z";
            }

            if (!expiry.TryGetProperty("unit", out var unit) || unit.GetString() is not ("day" or "days" or "hour" or "hours" or "minute" or "minutes"))
            {
                return "expiry.unit must be day, hour or minute";
            }

            if (!expiry.TryGetProperty("duration", out var duration) || !IsPositiveInteger(duration, out _))
            {
                return "expiry.duration must be an integer greater than 0";
            }
        }

        return null;
    }

    private static bool IsPositiveInteger(JsonElement element, out long value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number
               && !element.GetRawText().Contains('.', StringComparison.Ordinal)
               && element.TryGetInt64(out value)
               && value > 0;
    }

    private static string StatusCode(string transactionStatus) => transactionStatus switch
    {
        "capture" or "settlement" or "authorize" or "refund" or "partial_refund" or "chargeback" or "partial_chargeback" => "200",
        "pending" => "201",
        "expire" => "407",
        _ => "202",
    };

    private static Dictionary<string, object?> Render(CoreTransaction transaction, string statusCode, string message)
    {
        var rendered = new Dictionary<string, object?>
        {
            ["status_code"] = statusCode,
            ["status_message"] = message,
            ["transaction_id"] = transaction.TransactionId,
            ["order_id"] = transaction.OrderId,
            ["gross_amount"] = transaction.GrossAmount,
            ["currency"] = "IDR",
            ["payment_type"] = "bank_transfer",
            ["transaction_time"] = JakartaLocal(transaction.CreatedAt),
            ["transaction_status"] = transaction.TransactionStatus,
            ["merchant_id"] = "G000000001",
        };
        if (transaction.FraudStatus is not null)
        {
            rendered["fraud_status"] = transaction.FraudStatus;
        }

        if (transaction.TransactionStatus == "settlement")
        {
            rendered["settlement_time"] = JakartaLocal(transaction.UpdatedAt);
        }

        if (transaction.MoneyOut.Count > 0)
        {
            // As Midtrans lists them: refund_amount is the total; each entry has its number, amount, time and reason.
            rendered["refund_amount"] = transaction.MoneyOut.Sum(entry => entry.Amount).ToString("0.00", CultureInfo.InvariantCulture);
            rendered["refunds"] = transaction.MoneyOut.Select(entry => new Dictionary<string, object?>
            {
                ["refund_chargeback_id"] = entry.Id,
                ["refund_amount"] = entry.Amount.ToString("0.00", CultureInfo.InvariantCulture),
                ["created_at"] = JakartaLocal(entry.At),
                ["reason"] = entry.Reason,
                ["refund_key"] = $"key-{entry.Id}",
            }).ToArray();
        }

        return rendered;
    }

    /// <summary>Midtrans writes its times as Asia/Jakarta local time without an offset.</summary>
    public static string JakartaLocal(DateTimeOffset moment) =>
        TimeZoneInfo.ConvertTime(moment, Jakarta).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static Task SnapError(HttpContext context, int status, params string[] messages) =>
        WriteJsonAsync(context, status, new Dictionary<string, string[]> { ["error_messages"] = messages });

    private Task CoreAnswer(HttpContext context, int status, Dictionary<string, string> body) =>
        WriteJsonAsync(context, ErrorsInBodyWithHttp200 ? 200 : status, body);

    [GeneratedRegex("^/snap/v1/transactions/(?<token>[^/]+)/cancel$")]
    private static partial Regex SnapCancelPath();

    [GeneratedRegex("^/v2/(?<order>[^/]+)/(?<action>status|expire)$")]
    private static partial Regex CorePath();

    [GeneratedRegex("^[A-Za-z0-9_~.-]{1,50}$")]
    private static partial Regex OrderId();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}$")]
    private static partial Regex StartTime();

    /// <summary>
    /// A Snap checkout as created; <see cref="Request"/> is the body it was created from, <see cref="Account"/> the server key
    /// it was created with, <see cref="CanceledAt"/> when its page was cancelled.
    /// </summary>
    public sealed record SnapTransaction(string OrderId, string Token, long GrossAmount, JsonElement Request, string Account, DateTimeOffset? CanceledAt);

    /// <summary>The Core API's view of an order once the customer has acted on it.</summary>
    public sealed record CoreTransaction(
        string OrderId, string TransactionId, string TransactionStatus, string? FraudStatus, string GrossAmount,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public IReadOnlyList<CoreMoneyOut> MoneyOut { get; init; } = [];
    }

    /// <summary>One refund or chargeback of a Core transaction.</summary>
    public sealed record CoreMoneyOut(int Id, long Amount, string? Reason, DateTimeOffset At);
}
