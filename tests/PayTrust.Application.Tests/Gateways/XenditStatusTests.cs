using System.Text.Json;
using System.Text.Json.Nodes;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;
using PayTrust.Infrastructure.Gateways;
using static PayTrust.Application.Tests.Webhooks.WebhookBodies;

namespace PayTrust.Application.Tests.Gateways;

/// <summary>
/// Every Xendit invoice status and refund status, and every refund callback event × status pair, against its official
/// source (spec §7.4 step 7; ADR 32), and proof that the callback reader (<see cref="XenditWebhooks"/>) and the status
/// reader (<see cref="XenditGateway.StatusOf"/>) read the same invoice the same way, because both ask <see cref="XenditStatus"/>.
/// </summary>
/// <remarks>
/// Sources, quoted row by row below:
/// [statuses] https://docs.xendit.co/xeninvoice/statuses: Unpaid "Invoice has been successfully created and can be paid by
///            your customer until the expiry date"; Paid "Invoice has been successfully paid by your customer"; Settled
///            "The funds have settled to your Xendit account … not all invoices reach settled status"; Expired "Invoice has
///            expired before your customer was able to pay for it. Invoice can no longer be paid or reactivated"; Active and
///            Stopped are the states of recurring and on-demand invoices.
/// [enum]     The invoice status enum of the official SDKs, generated from Xendit's API definition: xendit/xendit-node
///            invoice/models/InvoiceStatus.ts and xendit/xendit-php docs/Invoice/InvoiceStatus.md: PENDING, PAID, SETTLED,
///            EXPIRED, and XENDIT_ENUM_DEFAULT_FALLBACK = UNKNOWN_ENUM_VALUE for a word the SDK does not know.
/// [callback] xendit/xendit-php docs/Invoice/InvoiceCallback.md, xendit/xendit-node docs/invoice/InvoiceCallback.md: the
///            invoice callback object has the invoice's fields (id, external_id, status, amount, paid_amount, currency,
///            paid_at, updated …) — the same object the invoice GET answers.
/// [refundwh] https://docs.xendit.co/apidocs/refund-webhook-notification: two documented events, refund.succeeded with
///            data.status SUCCEEDED and refund.failed with data.status FAILED and a failure_code (DUPLICATE_ERROR in the
///            sample); https://docs.xendit.co/docs/id/setting-up-webhooks lists the topics "Unified refunds - refund
///            request succeeded" and "… refund request failed" only. Envelope {event, business_id, created, data{id,
///            payment_id, invoice_id, amount, currency, status, reason, failure_code, created, updated …}} as the SDKs'
///            RefundCallback / RefundCallbackData models (xendit-node docs/refund/RefundCallback.md, xendit-php
///            docs/RefundApi.md "RefundCallback Object").
/// [refund]   https://docs.xendit.co/apidocs/refund-payment-request: POST /refunds answers 200 "Refund is pending. Check the
///            final status of the refund via webhook"; the SDKs' RefundApi has cancelRefund() (POST
///            /refunds/{refundID}/cancel): a refund that has not completed can be cancelled.
/// </remarks>
public sealed class XenditStatusTests
{
    private const string InvoiceId = "579c8d61f23fa4ca35e52da4";

    private static readonly string?[] RefundEvents = ["refund.succeeded", "refund.failed", "refund.pending", "payment.succeeded", null];
    private static readonly string?[] RefundStatuses = ["SUCCEEDED", "FAILED", "PENDING", "REQUIRES_ACTION", "CANCELLED", "succeeded", null];

    private readonly XenditWebhooks callbacks = new();

    /// <summary>An invoice status and what PayTrust reads: paid, pending, failed:&lt;§7.6 code&gt;, or refused (not documented: never booked).</summary>
    public static TheoryData<string, string> InvoiceRows => new()
    {
        // [statuses] Unpaid: created, can be paid until its expiry; [enum] its API word is PENDING.
        { "PENDING", "pending" },
        // [statuses] Paid: "successfully paid by your customer"; [enum] PAID.
        { "PAID", "paid" },
        // [statuses] Settled: the paid funds "have settled to your Xendit account"; [enum] SETTLED. Paid before, so paid:
        // one payment, not a second (see A_paid_then_settled_invoice_is_one_payment).
        { "SETTLED", "paid" },
        // [statuses] Expired: "can no longer be paid or reactivated"; [enum] EXPIRED.
        { "EXPIRED", "failed:expired" },

        // ---- words the invoice API does not document ----
        // [statuses] Unpaid is the dashboard's label; the API says PENDING ([enum]).
        { "UNPAID", "refused" },
        // [statuses] Active and Stopped belong to recurring invoices, not to an invoice's status ([enum]).
        { "ACTIVE", "refused" },
        { "STOPPED", "refused" },
        // [enum] every word is uppercase: another case is another word.
        { "paid", "refused" },
        // [enum] the SDKs' own name for a word they do not know.
        { "UNKNOWN_ENUM_VALUE", "refused" },
        { "", "refused" },
    };

    /// <summary>A refund's data.status and what PayTrust reads: refunded (money left), pending, failed:&lt;code&gt; (no money moved), refused.</summary>
    public static TheoryData<string, string> RefundRows => new()
    {
        // [refundwh] refund.succeeded carries data.status SUCCEEDED: the money went back to the customer.
        { "SUCCEEDED", "refunded" },
        // [refundwh] refund.failed carries data.status FAILED with a failure_code: nothing was refunded.
        { "FAILED", "failed:declined" },
        // [refund] "Refund is pending. Check the final status of the refund via webhook".
        { "PENDING", "pending" },
        // Not found in the sources above (it is the refund vocabulary of other gateways); the translator reads it as
        // waiting, which books nothing either way.
        { "REQUIRES_ACTION", "pending" },
        // [refund] cancelRefund(): a cancelled refund moved no money.
        { "CANCELLED", "failed:cancelled_by_customer" },

        // ---- words Xendit does not document ----
        { "succeeded", "refused" },
        { "REFUNDED", "refused" },
        { "", "refused" },
    };

    // ---- Invoices ----

    [Theory]
    [MemberData(nameof(InvoiceRows))]
    public void Invoice_reads_each_status_as_its_source_says(string status, string expected)
    {
        Assert.Equal(expected, Read(XenditStatus.Invoice(status)));
    }

    [Theory]
    [MemberData(nameof(InvoiceRows))]
    public void The_callback_reader_and_the_status_reader_agree(string status, string expected)
    {
        // [callback] the callback is the invoice object: the very same body is what the invoice GET answers.
        var body = Json(XenditInvoice(status));

        var callback = callbacks.Parse(Utf8(body), WebhookHeaders.None);
        using var invoice = JsonDocument.Parse(body);
        var answer = XenditGateway.StatusOf(invoice.RootElement, Currency.IDR);

        Assert.Equal(expected switch { "pending" => "waits", "refused" => "malformed", _ => expected }, Read(callback));
        Assert.Equal(expected switch { "pending" => "waits", "refused" => "failed:unexpected_gateway_response", _ => expected }, Read(answer));
    }

    /// <summary>
    /// A rejection read from a callback closes the attempt; read from a status answer, reconciliation closes it only for a
    /// permanent code (ReconcilePendingAttempts). [statuses] an expired invoice "can no longer be paid or reactivated": final.
    /// </summary>
    [Theory]
    [MemberData(nameof(InvoiceRows))]
    public void An_invoice_rejection_is_final_for_reconciliation_as_it_is_for_the_callback(string status, string expected)
    {
        _ = expected;
        if (XenditStatus.Invoice(status) is not { Status: TxSts.RJCT } rejected)
        {
            return;
        }

        Assert.Equal(FailureCategory.Permanent, rejected.Reason!.Category);
        Assert.NotEqual(FailureCode.InvalidRequest, rejected.Reason);
    }

    [Fact]
    public void A_paid_then_settled_invoice_is_one_payment()
    {
        // [statuses] SETTLED follows PAID for the same invoice: both name the invoice id as the payment, so the second is
        // the same payment (already_applied), never a second one.
        var paid = callbacks.Parse(Utf8(Json(XenditInvoice("PAID"))), WebhookHeaders.None).Notification!;
        var settled = callbacks.Parse(Utf8(Json(XenditInvoice("SETTLED"))), WebhookHeaders.None).Notification!;
        using var paidAnswer = JsonDocument.Parse(Json(XenditInvoice("PAID")));
        using var settledAnswer = JsonDocument.Parse(Json(XenditInvoice("SETTLED")));

        Assert.Equal(InvoiceId, paid.GatewayTransactionId);
        Assert.Equal(paid.GatewayTransactionId, settled.GatewayTransactionId);
        Assert.NotEqual(paid.DedupKey, settled.DedupKey);
        Assert.Equal(InvoiceId, XenditGateway.StatusOf(paidAnswer.RootElement, Currency.IDR).Value!.TransactionId);
        Assert.Equal(InvoiceId, XenditGateway.StatusOf(settledAnswer.RootElement, Currency.IDR).Value!.TransactionId);
    }

    [Fact]
    public void An_invoice_without_status_is_refused_by_both_readers()
    {
        var body = XenditInvoice();
        body.Remove("status");

        Assert.Equal("malformed", Read(callbacks.Parse(Utf8(Json(body)), WebhookHeaders.None)));
        using var answer = JsonDocument.Parse(Json(body));
        Assert.Equal("failed:unexpected_gateway_response", Read(XenditGateway.StatusOf(answer.RootElement, Currency.IDR)));
        Assert.Null(XenditStatus.Invoice(null));
    }

    // ---- Refunds ----

    [Theory]
    [MemberData(nameof(RefundRows))]
    public void Refund_reads_each_status_as_its_source_says(string status, string expected)
    {
        Assert.Equal(expected, Read(XenditStatus.Refund(status)) switch { "paid" => "refunded", var other => other });
    }

    [Fact]
    public void A_refund_callback_event_agrees_only_with_its_own_status()
    {
        // [refundwh] documents exactly these two pairs; any other pairing says two things at once.
        foreach (var eventType in RefundEvents)
        {
            foreach (var status in RefundStatuses)
            {
                var documented = (eventType, status) is ("refund.succeeded", "SUCCEEDED") or ("refund.failed", "FAILED");
                Assert.True(
                    documented == XenditStatus.RefundEventAgrees(eventType, status),
                    $"event {eventType ?? "(none)"} with data.status {status ?? "(none)"}: RefundEventAgrees said {!documented}");
            }
        }
    }

    [Fact]
    public void Only_the_documented_refund_callbacks_are_read_every_other_pairing_is_malformed()
    {
        foreach (var eventType in RefundEvents.Where(type => type?.StartsWith("refund.", StringComparison.Ordinal) == true))
        {
            foreach (var status in RefundStatuses)
            {
                var result = callbacks.Parse(Utf8(Json(RefundCallback(eventType!, status))), WebhookHeaders.None);
                var expected = (eventType, status) switch
                {
                    ("refund.succeeded", "SUCCEEDED") => "refunded",
                    ("refund.failed", "FAILED") => "not completed: declined",
                    _ => "malformed",
                };

                Assert.True(expected == Read(result), $"event {eventType} with data.status {status ?? "(none)"}: read {Read(result)}, expected {expected}");
            }
        }
    }

    [Theory]
    [InlineData("refund.succeeded", "SUCCEEDED")]
    [InlineData("refund.failed", "FAILED")]
    public void A_refund_callback_is_money_out_of_the_invoice_payment_confirmed_before_it_is_booked(string eventType, string status)
    {
        var body = Utf8(Json(RefundCallback(eventType, status)));

        var notification = callbacks.Parse(body, WebhookHeaders.None).Notification!;

        Assert.Equal(NotificationKind.MoneyOut, notification.Kind);
        Assert.Equal(MoneyOutKind.Refund, notification.MoneyOut);
        // The callback token covers no body ([refundwh]: x-callback-token only): GET /refunds/{id} is asked first (ADR 32).
        Assert.True(notification.NeedsConfirmation);
        // The refunded payment is the invoice's: payments of Xendit invoices are identified by the invoice id, which is
        // also the attempt's gateway_reference the callback is routed by.
        Assert.Equal(InvoiceId, notification.GatewayTransactionId);
        Assert.Equal(InvoiceId, callbacks.ReadSessionReference(body));
        Assert.Equal("rfd-6f4a377d-a201-437f-9119-f8b00cbbe857", notification.RefundId);
        Assert.Equal(10_000, notification.RefundAmount);
        Assert.Equal(status, notification.GatewayStatus);
    }

    // ---- Helpers ----

    /// <summary>A refund callback of an invoice payment in the documented envelope ([refundwh]); <paramref name="status"/> null leaves data.status out.</summary>
    private static JsonObject RefundCallback(string eventType, string? status)
    {
        var data = new JsonObject
        {
            ["id"] = "rfd-6f4a377d-a201-437f-9119-f8b00cbbe857",
            ["payment_id"] = "ddpy-3cd658ae-25b9-4659-aa36-596ae41a809f",
            ["invoice_id"] = InvoiceId,
            ["amount"] = 10000,
            ["payment_method_type"] = "VIRTUAL_ACCOUNT",
            ["channel_code"] = "PERMATA",
            ["currency"] = "IDR",
            ["status"] = status,
            ["reason"] = "CANCELLATION",
            ["reference_id"] = "b2756a1e-e6cd-4352-9a68-0483aa2b6a2",
            ["failure_code"] = status == "FAILED" ? "DUPLICATE_ERROR" : null,
            ["refund_fee_amount"] = null,
            ["created"] = "2020-08-30T09:12:33.001Z",
            ["updated"] = "2020-08-30T09:12:33.001Z",
            ["metadata"] = null,
        };
        if (status is null)
        {
            data.Remove("status");
        }

        return new JsonObject
        {
            ["event"] = eventType,
            ["business_id"] = "5f27a14a9bf05c73dd040bc8",
            ["created"] = "2020-08-30T09:12:34.001Z",
            ["data"] = data,
        };
    }

    private static string Read(PaymentStatusReport? report) => report switch
    {
        null => "refused",
        { Status: TxSts.ACSC } => "paid",
        { Status: TxSts.PDNG } => "pending",
        { Status: TxSts.RJCT } => $"failed:{report.Reason!.Code}",
        _ => $"unexpected report {report}",
    };

    private static string Read(WebhookParseResult result)
    {
        if (result.IsMalformed)
        {
            return "malformed";
        }

        var notification = result.Notification;
        return notification switch
        {
            { Kind: NotificationKind.MoneyOut, MoneyOut: MoneyOutKind.Refund, Status.Status: TxSts.ACSC } => "refunded",
            { Kind: NotificationKind.MoneyOut, MoneyOut: MoneyOutKind.Refund, Status.Status: TxSts.RJCT } => $"not completed: {notification.Status.Reason!.Code}",
            { Kind: NotificationKind.Payment, Status.Status: TxSts.PDNG } => "waits",
            { Kind: NotificationKind.Payment, Status.Status: TxSts.ACSC } when notification.Amount == 50_000 => "paid",
            { Kind: NotificationKind.Payment, Status.Status: TxSts.RJCT } => $"failed:{notification.Status.Reason!.Code}",
            _ => $"unexpected notification {notification.Kind} {notification.Status} {notification.Amount}",
        };
    }

    private static string Read(RailResult<GatewayPaymentStatus> answer) => answer.Outcome switch
    {
        RailOutcome.Failed => $"failed:{answer.Failure!.Code}",
        RailOutcome.Pending => "waits",
        _ when answer.Value is { PaidAmount: var paid, TransactionId: InvoiceId } && paid == new Money(50_000, Currency.IDR) => "paid",
        _ => $"unexpected answer {answer.Value}",
    };
}
