using System.Text.Json;
using System.Text.Json.Nodes;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;
using PayTrust.Infrastructure.Gateways;
using PayTrust.Testing.GatewayStandIns;
using static PayTrust.Application.Tests.Webhooks.WebhookBodies;

namespace PayTrust.Application.Tests.Gateways;

/// <summary>
/// Every Midtrans transaction_status × fraud_status × status_code combination against its official source (spec §7.4
/// step 7; ADR 32), and proof that the notification reader (<see cref="MidtransWebhooks"/>), the status reader
/// (<see cref="MidtransGateway.StatusOf"/>) and the status API confirmation (<see cref="MidtransGateway.ConfirmAsync"/>)
/// read the same input the same way, because all three ask <see cref="MidtransStatus"/>.
/// </summary>
/// <remarks>
/// Sources, quoted row by row below:
/// [cycle]  https://docs.midtrans.com/docs/transaction-status-cycle (same text as Midtrans/technical-documentation-site
///          en/after-payment/status-cycle.md): the transaction_status words, what each means and what it may become.
/// [notif]  https://docs.midtrans.com/docs/https-notification-webhooks (Midtrans/technical-documentation-site
///          en/after-payment/http-notification.md): "Transaction can be considered success if transaction_status value is
///          settlement (or capture in case of card transaction) and if fraud_status exists ensure the value is accept";
///          "not every payment methods may return fraud_status"; its Status Definition table marks capture and
///          settlement ✅ (fund received), pending and authorize 🕒, deny, cancel and expire ❌, refunds ↩️.
/// [fraud]  https://docs.midtrans.com/reference/fraud-status: accept "safe to proceed"; deny "considered as fraud. It is
///          rejected by Midtrans"; challenge "flagged as potential fraud … If no action is taken, the transaction is
///          denied automatically".
/// [2xx]    https://docs.midtrans.com/reference/status-code: 200 "Payment Card: Success … Transaction status is
///          authorize, capture, settlement, cancel … Other payment methods: Success. The transaction status is settlement
///          or cancel"; 201 "Pending … Or, on some rare occasion, Challenge … You need to manually approve the
///          transaction"; 202 "Denied. Transaction has been processed but is denied by payment provider or Midtrans'
///          fraud detection system". https://docs.midtrans.com/reference/code-statuses has the older wording of the same
///          codes (200 "authorize, capture, settlement, cancel, get order").
/// [4xx]    https://docs.midtrans.com/reference/code-4xx: 407 "Expired transaction".
/// [expire] https://docs.midtrans.com/reference/expire-transaction: the expire response carries status_code "407" with
///          transaction_status expire; the expire notification sample carries status_code "202".
/// [cancel] https://docs.midtrans.com/reference/cancel-transaction: the card cancel response carries status_code "200"
///          with transaction_status cancel; the cancel notification sample carries status_code "202".
/// [deny]   https://docs.midtrans.com/docs/bank-response-codes: a card deny notification sample with status_code "202".
/// [refund] https://docs.midtrans.com/reference/refund-transaction: "Refund Transaction Response and Notification",
///          status_code "200", transaction_status refund, refund_chargeback_id and refund_amount.
/// [sdk]    The official notification handlers: Midtrans/midtrans-nodejs-client README "Handle HTTP Notification" and
///          examples/expressApp/app.js, Midtrans/midtrans-python-client examples/flask_app/web.py,
///          Midtrans/midtrans-php examples/notification-handler.php: capture+challenge → "challenge", capture+accept →
///          "success", settlement → "success", cancel/deny/expire → "failure", pending → "pending", refund → "refund".
/// </remarks>
public sealed class MidtransStatusTests(MidtransStandInFixture standIn) : IClassFixture<MidtransStandInFixture>
{
    private const string Gross = "154600.00";
    private const long GrossRupiah = 154_600;

    private static readonly string[] EveryStatusCode = ["200", "201", "202", "407"];

    private readonly MidtransWebhooks notifications = new();

    /// <summary>
    /// The table: transaction_status, fraud_status (null: the field is absent), the status codes Midtrans signs it with
    /// ("|"-separated; empty when the combination is not documented), and what PayTrust reads: paid, review, pending,
    /// failed:&lt;§7.6 code&gt;, refund, chargeback (money out of a paid transaction), or refused (not documented or
    /// contradictory: never booked).
    /// </summary>
    public static TheoryData<string, string?, string, string> Rows => new()
    {
        // ---- capture: card only ----
        // [cycle] "Transaction is successful and credit card balance is captured successfully … It is safe to assume a
        // successful payment"; [notif] success needs fraud_status accept when present; [2xx] 200 for capture; [sdk] accept → success.
        { "capture", "accept", "200", "paid" },
        // [notif] "not every payment methods may return fraud_status … the transaction can be considered as relatively safe from fraud".
        { "capture", null, "200", "paid" },
        // [fraud] challenge: "flagged as potential fraud … You can accept or deny"; [2xx] 201 "Or, on some rare occasion,
        // Challenge"; [sdk] capture+challenge → "challenge", not success.
        { "capture", "challenge", "201", "review" },
        // [fraud] deny: "considered as fraud. It is rejected by Midtrans"; [2xx] 202 "denied by … Midtrans Fraud Detection System".
        { "capture", "deny", "202", "failed:fraud_rejected" },

        // ---- settlement ----
        // [cycle] "Transaction is successfully settled. Funds have been received"; [2xx] 200; [sdk] settlement → success.
        { "settlement", "accept", "200", "paid" },
        { "settlement", null, "200", "paid" },
        // [notif] success only "if fraud_status exists ensure the value is accept"; [fraud] a challenge is decided before
        // settlement ("If no action is taken, the transaction is denied automatically"): a settled challenge or deny
        // contradicts itself and is not documented.
        { "settlement", "challenge", "", "refused" },
        { "settlement", "deny", "", "refused" },

        // ---- pending ----
        // [cycle] "Transaction is created and available/waiting to be paid"; [2xx] 201 "Pending"; [sdk] → "pending".
        // pending is read by transaction_status alone: whatever the fraud word, nothing is booked while it waits.
        { "pending", null, "201", "pending" },
        { "pending", "accept", "201", "pending" },
        { "pending", "challenge", "201", "pending" },
        { "pending", "deny", "201", "pending" },

        // ---- authorize: pre-authorisation, card only (PayTrust never asks for it) ----
        // [cycle] "card balance is reserved (authorized) … You can later perform API capture … or if no action is taken will
        // be auto released"; [notif] Fund Received 🕒; [2xx] 200 lists authorize among card successes.
        { "authorize", null, "200", "pending" },
        { "authorize", "accept", "200", "pending" },
        // [2xx] 201 "Challenge … You need to manually approve the transaction".
        { "authorize", "challenge", "201", "pending" },
        // An authorisation the fraud check denied is no authorisation: not documented.
        { "authorize", "deny", "", "refused" },

        // ---- deny ----
        // [cycle] "The credentials used for payment are rejected by the payment provider or Midtrans Fraud Detection System";
        // [deny] notification status_code 202; [2xx] 202 "Denied"; [sdk] → "failure". With fraud_status deny it is the
        // fraud check's refusal ([fraud] deny), else the provider's.
        { "deny", null, "202", "failed:declined" },
        { "deny", "accept", "202", "failed:declined" },
        { "deny", "challenge", "202", "failed:declined" },
        { "deny", "deny", "202", "failed:fraud_rejected" },

        // ---- cancel ----
        // [cycle] "Transaction is cancelled. Can be triggered by Midtrans or merchant themselves … Capture transaction is
        // cancelled before Settlement … Challenge Transaction is denied by merchant"; [cancel] response 200, notification 202;
        // [2xx] 200 lists cancel; [notif] ❌; [sdk] → "failure" (midtrans-php: also with fraud_status challenge).
        { "cancel", null, "200|202", "failed:cancelled_by_customer" },
        { "cancel", "accept", "200|202", "failed:cancelled_by_customer" },
        { "cancel", "challenge", "200|202", "failed:cancelled_by_customer" },
        { "cancel", "deny", "200|202", "failed:cancelled_by_customer" },

        // ---- expire ----
        // [cycle] "Transaction no longer available to be paid or processed, because the payment is not completed within the
        // expiry time period"; [expire] response 407, notification 202; [4xx] 407 "Expired transaction"; [sdk] → "failure".
        { "expire", null, "202|407", "failed:expired" },
        { "expire", "accept", "202|407", "failed:expired" },

        // ---- failure ----
        // [cycle] "caused by unexpected error during transaction processing … mostly it is caused when bank fails to
        // respond"; no further change is listed. Midtrans documents no status_code sample for it: 202 is the translator's
        // choice (the rejection family of [2xx]), not a documented value.
        { "failure", null, "202", "failed:declined" },
        { "failure", "accept", "202", "failed:declined" },

        // ---- money out of a settled transaction ----
        // [cycle] settlement may become "refund, chargeback, partial_refund, partial_chargeback"; refund "marked to be
        // refunded", partial_refund "marked to be partially refunded"; [refund] status_code 200; [notif] ↩️.
        { "refund", null, "200", "refund" },
        { "refund", "accept", "200", "refund" },
        { "partial_refund", null, "200", "refund" },
        { "partial_refund", "accept", "200", "refund" },
        // [cycle] chargeback "marked to be charged back", partial_chargeback "marked to be partially charged back".
        // Midtrans documents no status_code sample for them: 200 is the translator's choice (the family of refunds).
        { "chargeback", null, "200", "chargeback" },
        { "chargeback", "accept", "200", "chargeback" },
        { "partial_chargeback", null, "200", "chargeback" },
        { "partial_chargeback", "accept", "200", "chargeback" },

        // ---- words Midtrans does not document ----
        { "on_hold", null, "", "refused" },
        // [2xx] lists no SUCCESS: the success words are settlement and capture.
        { "success", "accept", "", "refused" },
        // Every documented word is lowercase ([cycle], [fraud], every sample): another case is another word.
        { "SETTLEMENT", "accept", "", "refused" },
        { "settlement", "ACCEPT", "", "refused" },
        // [fraud] documents accept, deny and challenge only.
        { "capture", "review", "", "refused" },
    };

    // ---- The translator itself ----

    [Theory]
    [MemberData(nameof(Rows))]
    public void Translate_reads_each_combination_as_its_source_says(string status, string? fraud, string codes, string expected)
    {
        _ = codes;
        Assert.Equal(expected, Verdict(MidtransStatus.Translate(status, fraud)));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void The_signed_status_codes_are_the_documented_ones(string status, string? fraud, string codes, string expected)
    {
        _ = expected;
        var documented = Codes(codes);

        Assert.Equal(documented, MidtransStatus.SignedStatusCodes(status, fraud));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void A_notification_verifies_with_a_documented_status_code_and_not_with_a_contradicting_one(string status, string? fraud, string codes, string expected)
    {
        _ = expected;
        var documented = Codes(codes);

        foreach (var code in EveryStatusCode)
        {
            var body = Notification(status, fraud, code);
            // Correctly signed every time: only the status word, which the signature does not cover, may contradict it.
            // A combination Midtrans does not document has no code to contradict; Parse refuses it (next test).
            var verifies = notifications.Verify(Utf8(Json(body)), WebhookHeaders.None, Midtrans(), Now);
            Assert.True(
                documented is null ? verifies : verifies == documented.Contains(code),
                $"{status}/{fraud ?? "(none)"} signed with status_code {code}: Verify said {verifies}");
        }
    }

    // ---- The same input never maps two ways ----

    [Theory]
    [MemberData(nameof(Rows))]
    public void The_notification_reader_and_the_status_reader_agree(string status, string? fraud, string codes, string expected)
    {
        var body = Notification(status, fraud, Codes(codes)?[0] ?? "200");

        var notification = notifications.Parse(Utf8(Json(body)), WebhookHeaders.None);
        using var answer = JsonDocument.Parse(Json(body));
        var statusAnswer = MidtransGateway.StatusOf(answer.RootElement, Currency.IDR);

        Assert.Equal(FromNotification(expected), Read(notification));
        Assert.Equal(FromStatusAnswer(expected), Read(statusAnswer));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task The_status_API_confirms_a_notification_as_the_notification_reader_reads_it(string status, string? fraud, string codes, string expected)
    {
        _ = codes;
        var orderId = $"row-{status}-{fraud ?? "none"}";
        var documentedSettlement = notifications.Parse(Utf8(Json(MidtransNotification(orderId: orderId))), WebhookHeaders.None).Notification!;
        if (MoneyOutOf(status) is not null)
        {
            standIn.Midtrans.SetTransactionStatus(orderId, "settlement", fraud, Gross);
            standIn.Midtrans.AddMoneyOut(orderId, status, 10_000, "Customer asked");
        }
        else
        {
            standIn.Midtrans.SetTransactionStatus(orderId, status, fraud, Gross);
        }

        // The status API is asked about whatever the notification said; its answer alone decides what is booked.
        var confirmed = await standIn.Clients.Midtrans.ConfirmAsync(
            new GatewaySession(orderId, null, Currency.IDR), documentedSettlement, GatewayClients.MidtransCredentials(), CancellationToken.None);

        Assert.Equal(FromNotification(expected) == "malformed" ? "failed:unexpected_gateway_response" : FromNotification(expected), Read(confirmed));
        if (!confirmed.IsFailed)
        {
            Assert.False(confirmed.Value!.NeedsConfirmation);
            Assert.Equal(status, confirmed.Value.GatewayStatus);
            Assert.Equal(documentedSettlement.DedupKey, confirmed.Value.DedupKey);
        }
    }

    /// <summary>
    /// A rejection read from a notification closes the attempt (NotificationApplier); the same rejection read from a
    /// status answer closes it only when its code is a permanent verdict (ReconcilePendingAttempts: an internal code
    /// means "the question failed, ask again"). So every rejection the translator reports must be permanent, or the
    /// webhook and reconciliation do two different things with one Midtrans word. [cycle] lists no change after deny,
    /// cancel, expire or failure: each is final.
    /// </summary>
    [Theory]
    [MemberData(nameof(Rows))]
    public void A_rejection_is_final_for_reconciliation_as_it_is_for_the_webhook(string status, string? fraud, string codes, string expected)
    {
        _ = codes;
        _ = expected;
        if (MidtransStatus.Translate(status, fraud) is not { Report.Status: TxSts.RJCT } verdict)
        {
            return;
        }

        Assert.True(
            verdict.Report.Reason!.Category == FailureCategory.Permanent && verdict.Report.Reason != FailureCode.InvalidRequest,
            $"{status}/{fraud ?? "(none)"} is rejected with {verdict.Report.Reason} ({verdict.Report.Reason!.Category}): the webhook closes the attempt, reconciliation keeps asking");
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void What_the_signature_does_not_cover_is_confirmed_before_it_is_booked(string status, string? fraud, string codes, string expected)
    {
        var notification = notifications.Parse(Utf8(Json(Notification(status, fraud, Codes(codes)?[0] ?? "200"))), WebhookHeaders.None);
        if (expected == "refused")
        {
            Assert.True(notification.IsMalformed);
            return;
        }

        // Money out, deny and cancel share status_code 200 or 202 with a settlement or a plain refusal (ADR 32): the
        // signature cannot tell them apart, so the status API is asked first.
        var needsConfirmation = expected is "refund" or "chargeback" || status is "deny" or "cancel";
        Assert.Equal(needsConfirmation, notification.Notification!.NeedsConfirmation);
        Assert.Equal(needsConfirmation, MidtransStatus.NeedsConfirmation(status, MidtransStatus.Translate(status, fraud)!));
    }

    [Fact]
    public void A_body_without_transaction_status_is_refused_by_both_readers()
    {
        var body = MidtransNotification();
        body.Remove("transaction_status");

        Assert.Equal("malformed", Read(notifications.Parse(Utf8(Json(body)), WebhookHeaders.None)));
        using var answer = JsonDocument.Parse(Json(body));
        Assert.Equal("failed:unexpected_gateway_response", Read(MidtransGateway.StatusOf(answer.RootElement, Currency.IDR)));
        Assert.Null(MidtransStatus.Translate(null, "accept"));
        Assert.Null(MidtransStatus.SignedStatusCodes(null, "accept"));
    }

    // ---- Helpers ----

    private static string[]? Codes(string codes) => codes.Length == 0 ? null : codes.Split('|');

    private static MoneyOutKind? MoneyOutOf(string status) => status switch
    {
        "refund" or "partial_refund" => MoneyOutKind.Refund,
        "chargeback" or "partial_chargeback" => MoneyOutKind.Chargeback,
        _ => null,
    };

    /// <summary>A signed notification in the documented shape; money out lists its one refund or chargeback as Midtrans does.</summary>
    private static JsonObject Notification(string status, string? fraud, string statusCode)
    {
        var body = MidtransNotification(status, statusCode, Gross, fraud);
        if (MoneyOutOf(status) is not null)
        {
            body["refund_amount"] = "10000.00";
            body["refunds"] = new JsonArray(new JsonObject
            {
                ["refund_chargeback_id"] = 1,
                ["refund_amount"] = "10000.00",
                ["created_at"] = "2021-06-16 10:00:00",
                ["reason"] = "Customer asked",
            });
        }

        return body;
    }

    private static string Verdict(MidtransVerdict? verdict) => verdict switch
    {
        null => "refused",
        { Kind: NotificationKind.MoneyOut, Report.Status: TxSts.ACSC, MoneyOut: MoneyOutKind.Refund } => "refund",
        { Kind: NotificationKind.MoneyOut, Report.Status: TxSts.ACSC, MoneyOut: MoneyOutKind.Chargeback } => "chargeback",
        { Kind: NotificationKind.Payment, MoneyOut: null } => Report(verdict.Report),
        _ => $"unexpected verdict {verdict}",
    };

    private static string Report(PaymentStatusReport report) => report.Status switch
    {
        TxSts.ACSC => "paid",
        TxSts.ACCP => "review",
        TxSts.PDNG => "pending",
        _ => $"failed:{report.Reason!.Code}",
    };

    /// <summary>What the notification reader should give for a row: review and pending both wait; refused is malformed.</summary>
    private static string FromNotification(string expected) => expected switch
    {
        "review" or "pending" => "waits",
        "refused" => "malformed",
        _ => expected,
    };

    /// <summary>What the status reader should give: a refunded or charged-back transaction was paid first and lists what left.</summary>
    private static string FromStatusAnswer(string expected) => expected switch
    {
        "review" or "pending" => "waits",
        "refused" => "failed:unexpected_gateway_response",
        "refund" or "chargeback" => $"paid, then {expected}",
        _ => expected,
    };

    private static string Read(WebhookParseResult result)
    {
        if (result.IsMalformed)
        {
            return "malformed";
        }

        var notification = result.Notification;
        Assert.Equal(GrossRupiah, notification.Amount);
        return Read(notification);
    }

    private static string Read(GatewayNotification notification) => notification switch
    {
        { Kind: NotificationKind.MoneyOut, Status.Status: TxSts.ACSC } => notification.MoneyOut switch
        {
            MoneyOutKind.Refund when notification.Refunds.Count > 0 => "refund",
            MoneyOutKind.Chargeback when notification.Refunds.Count > 0 => "chargeback",
            _ => $"money out without its kind or entries: {notification.MoneyOut}",
        },
        { Kind: NotificationKind.Payment, Status.Status: TxSts.ACCP or TxSts.PDNG } => "waits",
        { Kind: NotificationKind.Payment } => Report(notification.Status),
        _ => $"unexpected notification {notification.Kind} {notification.Status}",
    };

    private static string Read(RailResult<GatewayNotification> confirmed) =>
        confirmed.IsFailed ? $"failed:{confirmed.Failure!.Code}" : Read(confirmed.Value!);

    private static string Read(RailResult<GatewayPaymentStatus> answer)
    {
        switch (answer.Outcome)
        {
            case RailOutcome.Failed:
                return $"failed:{answer.Failure!.Code}";
            case RailOutcome.Pending:
                return "waits";
        }

        var paid = answer.Value!;
        Assert.Equal(new Money(GrossRupiah, Currency.IDR), paid.PaidAmount);
        Assert.Equal("513f1f01-c9da-474c-9fc9-d5c64364b709", paid.TransactionId);
        return paid.MoneyOutKind switch
        {
            null when paid.MoneyOut.Count == 0 => "paid",
            MoneyOutKind.Refund when paid.MoneyOut.Count > 0 => "paid, then refund",
            MoneyOutKind.Chargeback when paid.MoneyOut.Count > 0 => "paid, then chargeback",
            _ => $"paid with money out {paid.MoneyOutKind} x{paid.MoneyOut.Count}",
        };
    }
}

/// <summary>One Midtrans stand-in for the whole table: each row asks about its own order.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes class fixtures through IAsyncLifetime.DisposeAsync")]
public sealed class MidtransStandInFixture : IAsyncLifetime
{
    public MidtransStandIn Midtrans { get; private set; } = null!;

    internal GatewayClients Clients { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Midtrans = await MidtransStandIn.StartAsync(GatewayClients.MidtransKey);
        Clients = new GatewayClients(midtransBaseUrl: Midtrans.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        await Clients.DisposeAsync();
        await Midtrans.DisposeAsync();
    }
}
