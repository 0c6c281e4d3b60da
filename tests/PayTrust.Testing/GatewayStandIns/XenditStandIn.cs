using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace PayTrust.Testing.GatewayStandIns;

/// <summary>
/// Xendit's Invoice API as the client sees it: <c>POST /v2/invoices</c>, <c>GET /v2/invoices/{id}</c>,
/// <c>GET /v2/invoices?external_id=</c> (a list), <c>POST /invoices/{id}/expire!</c>; errors as
/// <c>{"error_code", "message"}</c>. Like Xendit, it does not make external_id unique: a repeat creates a second
/// invoice, which is exactly what a test of "one gateway call per attempt" must be able to see.
/// </summary>
public sealed partial class XenditStandIn : GatewayStandIn
{
    private readonly ConcurrentDictionary<string, Invoice> invoices = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> heldQueries = new();
    private readonly ConcurrentDictionary<string, Refund> refunds = new();
    private long sequence;

    private XenditStandIn(string acceptedKey)
        : base(acceptedKey)
    {
    }

    /// <summary>Currencies enabled on the simulated account; others answer 400 UNSUPPORTED_CURRENCY.</summary>
    public ISet<string> EnabledCurrencies { get; } = new HashSet<string>(["IDR", "MYR", "USD", "PHP"]);

    public IReadOnlyList<Invoice> Invoices => invoices.Values.OrderBy(invoice => invoice.Sequence).ToArray();

    public static async Task<XenditStandIn> StartAsync(string acceptedKey)
    {
        var standIn = new XenditStandIn(acceptedKey);
        await standIn.StartAsync();
        return standIn;
    }

    public Invoice InvoiceFor(string externalId) => Invoices.Single(invoice => invoice.ExternalId == externalId);

    /// <summary>The customer paid: status PAID with the amount received (default: the invoice amount).</summary>
    public void MarkPaid(string invoiceId, decimal? paidAmount = null, DateTimeOffset? paidAt = null) =>
        Update(invoiceId, invoice => invoice with { Status = "PAID", PaidAmount = paidAmount ?? invoice.Amount, PaidAt = paidAt ?? DateTimeOffset.UtcNow });

    public void MarkSettled(string invoiceId, decimal? paidAmount = null, DateTimeOffset? paidAt = null) =>
        Update(invoiceId, invoice => invoice with { Status = "SETTLED", PaidAmount = paidAmount ?? invoice.Amount, PaidAt = paidAt ?? DateTimeOffset.UtcNow });

    public void MarkExpired(string invoiceId) => Update(invoiceId, invoice => invoice with { Status = "EXPIRED" });

    /// <summary>The invoice as Xendit would report it had it been issued in another currency (a misconfigured account, a changed invoice).</summary>
    public void ReportCurrency(string invoiceId, string currency) => Update(invoiceId, invoice => invoice with { Currency = currency });

    /// <summary>
    /// Answers invoices without <c>paid_amount</c>, which the invoice GET does not document (only <c>amount</c>): a
    /// client must not need it.
    /// </summary>
    public bool OmitPaidAmount { get; set; }

    /// <summary>
    /// The invoice callback Xendit would POST for the invoice as it stands now: the invoice object itself (id,
    /// external_id, status, amount, paid_amount, paid_at, currency, …), which is what Xendit's Invoice callback carries.
    /// </summary>
    public string CallbackBody(string invoiceId) => JsonSerializer.Serialize(Render(invoices[invoiceId]));

    /// <summary>
    /// The merchant refunded part of a paid invoice through Xendit's Refund API: a refund object (id "rfd-…",
    /// invoice_id, amount, currency, status, reason) that <c>GET /refunds/{id}</c> answers. Returns its id.
    /// </summary>
    public string AddRefund(string invoiceId, decimal amount, string status = "SUCCEEDED", string reason = "REQUESTED_BY_CUSTOMER")
    {
        var invoice = invoices[invoiceId];
        var id = "rfd-" + Guid.NewGuid();
        refunds[id] = new Refund(id, invoiceId, amount, invoice.Currency, status, reason, DateTimeOffset.UtcNow);
        return id;
    }

    /// <summary>
    /// The refund webhook Xendit would POST (docs.xendit.co/apidocs/refund-webhook-notification): <c>{"event":
    /// "refund.succeeded" | "refund.failed", "business_id", "created", "data": {refund object}}</c>.
    /// </summary>
    public string RefundCallbackBody(string refundId)
    {
        var refund = refunds[refundId];
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["event"] = refund.Status == "FAILED" ? "refund.failed" : "refund.succeeded",
            ["business_id"] = "5f0c1e2d3c4b5a6978000001",
            ["created"] = Iso(refund.At),
            ["data"] = RenderRefund(refund),
        });
    }

    /// <summary>From now on, <c>GET /v2/invoices/{id}</c> for this invoice is held until <see cref="ReleaseQueriesOf"/>.</summary>
    public void HoldQueriesOf(string invoiceId) => heldQueries[invoiceId] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseQueriesOf(string invoiceId)
    {
        if (heldQueries.TryRemove(invoiceId, out var held))
        {
            held.TrySetResult();
        }
    }

    /// <summary>How many times the invoice was asked about by id (the status query).</summary>
    public int QueryCount(string invoiceId) =>
        Requests.Count(request => request.Method == "GET" && request.PathAndQuery == $"/v2/invoices/{invoiceId}");

    protected override bool IsCreation(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Value?.TrimEnd('/') == "/v2/invoices";

    protected override async Task HandleAsync(HttpContext context, string body)
    {
        var request = context.Request;
        if (!IsAuthorized(request))
        {
            await Error(context, 401, "INVALID_API_KEY", "API key is not authorized for this API service");
            return;
        }

        var path = request.Path.Value ?? "";
        // Each secret key is one Xendit account, which sees only its own invoices.
        var account = KeyOf(request)!;
        if (IsCreation(request))
        {
            await CreateAsync(context, body, account);
        }
        else if (HttpMethods.IsGet(request.Method) && path.TrimEnd('/') == "/v2/invoices" && request.Query.TryGetValue("external_id", out var externalId))
        {
            var found = Invoices.Where(invoice => invoice.ExternalId == externalId.ToString() && invoice.Account == account)
                .OrderByDescending(invoice => invoice.Sequence).Select(Render).ToArray();
            await WriteJsonAsync(context, 200, found);
        }
        else if (HttpMethods.IsGet(request.Method) && InvoicePath().Match(path) is { Success: true } get)
        {
            if (heldQueries.TryGetValue(get.Groups["id"].Value, out var held))
            {
                await held.Task.WaitAsync(context.RequestAborted);
            }

            await (invoices.TryGetValue(get.Groups["id"].Value, out var invoice) && invoice.Account == account
                ? WriteJsonAsync(context, 200, Render(invoice))
                : Error(context, 404, "INVOICE_NOT_FOUND_ERROR", "Could not find invoice by id"));
        }
        else if (HttpMethods.IsGet(request.Method) && RefundPath().Match(path) is { Success: true } refundPath)
        {
            await (refunds.TryGetValue(refundPath.Groups["id"].Value, out var refund)
                ? WriteJsonAsync(context, 200, RenderRefund(refund))
                : Error(context, 404, "DATA_NOT_FOUND", "Refund not found"));
        }
        else if (HttpMethods.IsPost(request.Method) && ExpirePath().Match(path) is { Success: true } expire)
        {
            var id = expire.Groups["id"].Value;
            // Only a pending invoice can be expired; Xendit answers anything else as not found.
            if (invoices.TryGetValue(id, out var invoice) && invoice.Account == account && invoice.Status == "PENDING")
            {
                var expired = invoices[id] = invoice with { Status = "EXPIRED", ExpiresAt = DateTimeOffset.UtcNow };
                await WriteJsonAsync(context, 200, Render(expired));
            }
            else
            {
                await Error(context, 404, "INVOICE_NOT_FOUND_ERROR", "Could not find invoice by id");
            }
        }
        else
        {
            await Error(context, 404, "NOT_FOUND", "Route not found");
        }
    }

    private async Task CreateAsync(HttpContext context, string body, string account)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            await Error(context, 400, "INVALID_JSON_FORMAT", "Request body is not valid JSON");
            return;
        }

        var currency = root.TryGetProperty("currency", out var currencyElement) ? currencyElement.GetString() ?? "" : "IDR";
        var problem = Validate(root, currency);
        if (problem is not null)
        {
            await Error(context, 400, "API_VALIDATION_ERROR", problem);
            return;
        }

        if (!EnabledCurrencies.Contains(currency))
        {
            await Error(context, 400, "UNSUPPORTED_CURRENCY", $"Currency {currency} is not supported for this business");
            return;
        }

        var number = Interlocked.Increment(ref sequence);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var duration = root.TryGetProperty("invoice_duration", out var durationElement) ? durationElement.GetInt64() : 86_400;
        var invoice = new Invoice(
            id, number, root.GetProperty("external_id").GetString()!, root.GetProperty("amount").GetDecimal(), currency, "PENDING",
            DateTimeOffset.UtcNow.AddSeconds(duration), null, null, root.Clone(), account);
        invoices[id] = invoice;
        await WriteJsonAsync(context, 200, Render(invoice));
    }

    /// <summary>What Xendit's validation refuses, as its message; null when the request is acceptable.</summary>
    private static string? Validate(JsonElement root, string currency)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "body must be an object";
        }

        if (!root.TryGetProperty("external_id", out var externalId) || externalId.ValueKind != JsonValueKind.String || externalId.GetString()!.Length is 0 or > 255)
        {
            return "external_id is required and must be a string of 1 to 255 characters";
        }

        if (!root.TryGetProperty("amount", out var amount))
        {
            return "amount is required";
        }

        if (AmountProblem(amount, currency) is { } amountProblem)
        {
            return "amount " + amountProblem;
        }

        if (root.TryGetProperty("invoice_duration", out var duration)
            && (duration.ValueKind != JsonValueKind.Number || !duration.TryGetInt64(out var seconds) || seconds is < 1 or > 31_536_000))
        {
            return "invoice_duration must be an integer from 1 to 31536000";
        }

        foreach (var url in new[] { "success_redirect_url", "failure_redirect_url" })
        {
            if (root.TryGetProperty(url, out var value) && (value.ValueKind != JsonValueKind.String || !Uri.TryCreate(value.GetString(), UriKind.Absolute, out _)))
            {
                return $"{url} must be an absolute URL";
            }
        }

        if (root.TryGetProperty("items", out var items))
        {
            if (items.ValueKind != JsonValueKind.Array)
            {
                return "items must be an array";
            }

            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object
                    || !item.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString()!.Length == 0
                    || !item.TryGetProperty("quantity", out var quantity) || !quantity.TryGetInt32(out var count) || count < 1
                    || !item.TryGetProperty("price", out var price) || AmountProblem(price, currency) is not null)
                {
                    return "items must each have a name, a quantity of at least 1 and a valid price";
                }
            }
        }

        if (root.TryGetProperty("customer", out var customer))
        {
            if (customer.ValueKind != JsonValueKind.Object)
            {
                return "customer must be an object";
            }

            if (customer.TryGetProperty("mobile_number", out var mobile) && !E164().IsMatch(mobile.GetString() ?? ""))
            {
                return "customer.mobile_number must be in E.164 format";
            }
        }

        return null;
    }

    /// <summary>A JSON number, positive, with no decimals for IDR and at most two otherwise (judged on the text sent).</summary>
    private static string? AmountProblem(JsonElement amount, string currency)
    {
        if (amount.ValueKind != JsonValueKind.Number)
        {
            return "must be a number";
        }

        var text = amount.GetRawText();
        if (text.Contains('e', StringComparison.OrdinalIgnoreCase) || !amount.TryGetDecimal(out var value) || value <= 0)
        {
            return "must be a positive decimal number";
        }

        var point = text.IndexOf('.', StringComparison.Ordinal);
        var decimals = point < 0 ? 0 : text.Length - point - 1;
        return currency == "IDR" && decimals > 0 ? "must not have decimals for IDR"
            : decimals > 2 ? "must have at most 2 decimals"
            : null;
    }

    private object Render(Invoice invoice)
    {
        var rendered = new Dictionary<string, object?>
        {
            ["id"] = invoice.Id,
            ["external_id"] = invoice.ExternalId,
            ["user_id"] = "5f0c1e2d3c4b5a6978000001",
            ["status"] = invoice.Status,
            ["merchant_name"] = "PayTrust Stand-in",
            ["amount"] = invoice.Amount,
            ["currency"] = invoice.Currency,
            ["description"] = invoice.Request.TryGetProperty("description", out var description) ? description.GetString() : null,
            ["expiry_date"] = Iso(invoice.ExpiresAt),
            ["invoice_url"] = $"{BaseUrl}/web/{invoice.Id}",
            ["created"] = Iso(invoice.ExpiresAt.AddDays(-1)),
            ["updated"] = Iso(DateTimeOffset.UtcNow),
        };
        if (invoice.PaidAmount is { } paid)
        {
            if (!OmitPaidAmount)
            {
                rendered["paid_amount"] = paid;
            }

            rendered["paid_at"] = Iso(invoice.PaidAt!.Value);
            rendered["payment_method"] = "BANK_TRANSFER";
            rendered["payment_id"] = "pay-" + invoice.Id;
        }

        return rendered;
    }

    private Dictionary<string, object?> RenderRefund(Refund refund) => new()
    {
        ["id"] = refund.Id,
        ["payment_id"] = "pay-" + refund.InvoiceId,
        ["invoice_id"] = refund.InvoiceId,
        ["amount"] = refund.Amount,
        ["payment_method_type"] = "VIRTUAL_ACCOUNT",
        ["channel_code"] = "BCA",
        ["currency"] = refund.Currency,
        ["status"] = refund.Status,
        ["reason"] = refund.Reason,
        ["reference_id"] = invoices[refund.InvoiceId].ExternalId,
        ["failure_code"] = refund.Status == "FAILED" ? "REFUND_FAILED" : null,
        ["refund_fee_amount"] = null,
        ["created"] = Iso(refund.At),
        ["updated"] = Iso(refund.At),
        ["metadata"] = null,
    };

    private static string Iso(DateTimeOffset moment) => moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static Task Error(HttpContext context, int status, string code, string message) =>
        WriteJsonAsync(context, status, new Dictionary<string, string> { ["error_code"] = code, ["message"] = message });

    private void Update(string invoiceId, Func<Invoice, Invoice> change)
    {
        if (!invoices.TryGetValue(invoiceId, out var invoice))
        {
            throw new InvalidOperationException($"No invoice {invoiceId} at the Xendit stand-in.");
        }

        invoices[invoiceId] = change(invoice);
    }

    [GeneratedRegex("^/v2/invoices/(?<id>[^/]+)$")]
    private static partial Regex InvoicePath();

    [GeneratedRegex("^/refunds/(?<id>[^/]+)$")]
    private static partial Regex RefundPath();

    [GeneratedRegex("^/invoices/(?<id>[^/]+)/expire!$")]
    private static partial Regex ExpirePath();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();

    /// <summary>
    /// One invoice as the stand-in holds it; <see cref="Request"/> is the body it was created from, <see cref="Account"/> the
    /// secret key it was created with.
    /// </summary>
    public sealed record Invoice(
        string Id, long Sequence, string ExternalId, decimal Amount, string Currency, string Status,
        DateTimeOffset ExpiresAt, decimal? PaidAmount, DateTimeOffset? PaidAt, JsonElement Request, string Account);

    /// <summary>One refund of an invoice's payment, as the Refund API holds it.</summary>
    public sealed record Refund(string Id, string InvoiceId, decimal Amount, string Currency, string Status, string Reason, DateTimeOffset At);
}
