using NodaTime;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;
using static PayTrust.Domain.Tests.InvoiceFixtures;

namespace PayTrust.Domain.Tests;

/// <summary>A payment attempt's life (spec §7.1, §7.2): created, then opened by the gateway or failed, then expired.</summary>
public class PaymentAttemptTests
{
    private const string InvoiceReference = "PT7KQ2MX9RC";

    private static readonly Guid TenantId = Guid.Parse("11111111-1111-1111-1111-111111111111");
    private static readonly Guid InvoiceId = Guid.Parse("22222222-2222-2222-2222-222222222222");
    private static readonly Instant Now = At(1);
    private static readonly Instant SessionEnd = Now + Duration.FromHours(1);

    private static PaymentAttempt Started(int? installment = 2, long amount = 250_000, int attemptNumber = 1, Instant? expiresAt = null) =>
        PaymentAttempt.Start(TenantId, InvoiceId, InvoiceReference, attemptNumber, installment, Idr(amount), "card", "xendit", Now, expiresAt ?? SessionEnd);

    /// <summary>An attempt brought into <paramref name="status"/> through its own methods (Succeeded only exists in storage so far).</summary>
    private static PaymentAttempt AttemptIn(PaymentAttemptStatus status, int? installment = 2, long amount = 250_000, Instant? expiresAt = null)
    {
        var attempt = Started(installment, amount, expiresAt: expiresAt);
        switch (status)
        {
            case PaymentAttemptStatus.Creating:
                break;
            case PaymentAttemptStatus.Pending:
                attempt.Open("inv_123", "https://checkout.example/inv_123", expiresAt ?? SessionEnd, Now + Duration.FromSeconds(2));
                break;
            case PaymentAttemptStatus.Failed:
                attempt.Fail(FailureCode.Declined, Now + Duration.FromSeconds(2));
                break;
            case PaymentAttemptStatus.Expired:
                attempt.Expire(Now + Duration.FromSeconds(2));
                break;
            case PaymentAttemptStatus.Succeeded:
                attempt = PaymentAttempt.Restore(SnapshotOf(attempt) with { Status = PaymentAttemptStatus.Succeeded, GatewayReference = "inv_123" });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(status), status, null);
        }

        Assert.Equal(status, attempt.Status);
        return attempt;
    }

    private static PaymentAttemptSnapshot SnapshotOf(PaymentAttempt a) =>
        new(a.Id, a.TenantId, a.InvoiceId, a.InstallmentNumber, a.AttemptNumber, a.Reference, a.Rail, a.Gateway, a.Amount, a.Status,
            a.GatewayReference, a.CheckoutUrl, a.FailureCode, a.CreatedAt, a.UpdatedAt, a.ExpiresAt);

    public static TheoryData<PaymentAttemptStatus> AllStatuses() => [.. Enum.GetValues<PaymentAttemptStatus>()];

    // ---- Start ----

    [Fact]
    public void Start_gives_a_creating_attempt_with_everything_it_was_given()
    {
        var attempt = Started(installment: 3, amount: 333_334, attemptNumber: 4);

        Assert.NotEqual(Guid.Empty, attempt.Id);
        Assert.Equal(TenantId, attempt.TenantId);
        Assert.Equal(InvoiceId, attempt.InvoiceId);
        Assert.Equal(3, attempt.InstallmentNumber);
        Assert.Equal(4, attempt.AttemptNumber);
        Assert.Equal("PT7KQ2MX9RC-004", attempt.Reference);
        Assert.Equal("card", attempt.Rail);
        Assert.Equal("xendit", attempt.Gateway);
        Assert.Equal(Idr(333_334), attempt.Amount);
        Assert.Equal(PaymentAttemptStatus.Creating, attempt.Status);
        Assert.Null(attempt.GatewayReference);
        Assert.Null(attempt.CheckoutUrl);
        Assert.Null(attempt.FailureCode);
        Assert.Equal(Now, attempt.CreatedAt);
        Assert.Equal(Now, attempt.UpdatedAt);
        Assert.Equal(SessionEnd, attempt.ExpiresAt);
    }

    [Fact]
    public void Start_for_a_whole_invoice_has_no_installment_number()
    {
        Assert.Null(Started(installment: null).InstallmentNumber);
    }

    [Fact]
    public void Each_start_gets_its_own_id()
    {
        Assert.NotEqual(Started().Id, Started().Id);
    }

    [Theory]
    [InlineData(1, "PT7KQ2MX9RC-001")]
    [InlineData(9, "PT7KQ2MX9RC-009")]
    [InlineData(10, "PT7KQ2MX9RC-010")]
    [InlineData(42, "PT7KQ2MX9RC-042")]
    [InlineData(999, "PT7KQ2MX9RC-999")]
    [InlineData(1000, "PT7KQ2MX9RC-1000")] // more than three digits widens the number rather than wrapping: still unique
    public void The_reference_is_the_invoice_reference_and_the_attempt_number_padded_to_three_digits(int attemptNumber, string expected)
    {
        Assert.Equal(expected, PaymentAttempt.ReferenceFor(InvoiceReference, attemptNumber));
        Assert.Equal(expected, Started(attemptNumber: attemptNumber).Reference);
    }

    [Fact]
    public void References_of_different_attempts_on_one_invoice_differ()
    {
        var references = Enumerable.Range(1, 1200).Select(n => PaymentAttempt.ReferenceFor(InvoiceReference, n)).ToArray();

        Assert.Equal(references.Length, references.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Start_refuses_an_attempt_number_below_one(int attemptNumber)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Started(attemptNumber: attemptNumber));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    public void Start_refuses_an_amount_below_one_minor_unit(long amount)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Started(amount: amount));
        Assert.Equal("amount", error.ParamName);
    }

    [Fact]
    public void Start_accepts_exactly_one_minor_unit()
    {
        Assert.Equal(Idr(1), Started(amount: 1).Amount);
    }

    // ---- Transitions ----

    [Fact]
    public void Open_records_the_gateway_session_and_makes_the_attempt_pending()
    {
        var attempt = Started();
        var gatewayEnd = SessionEnd + Duration.FromMinutes(7); // the gateway's own expiry replaces the planned one
        var openedAt = Now + Duration.FromSeconds(3);

        attempt.Open("inv_abc", "https://checkout.xendit.co/web/inv_abc", gatewayEnd, openedAt);

        Assert.Equal(PaymentAttemptStatus.Pending, attempt.Status);
        Assert.Equal("inv_abc", attempt.GatewayReference);
        Assert.Equal("https://checkout.xendit.co/web/inv_abc", attempt.CheckoutUrl);
        Assert.Equal(gatewayEnd, attempt.ExpiresAt);
        Assert.Equal(openedAt, attempt.UpdatedAt);
        Assert.Equal(Now, attempt.CreatedAt);
        Assert.Null(attempt.FailureCode);
    }

    [Theory]
    [InlineData(PaymentAttemptStatus.Pending)]
    [InlineData(PaymentAttemptStatus.Succeeded)]
    [InlineData(PaymentAttemptStatus.Failed)]
    [InlineData(PaymentAttemptStatus.Expired)]
    public void Only_a_creating_attempt_can_be_opened(PaymentAttemptStatus status)
    {
        var attempt = AttemptIn(status);
        var before = SnapshotOf(attempt);

        Assert.Throws<InvalidOperationException>(() => attempt.Open("other", "https://elsewhere.example", SessionEnd, At(5)));
        Assert.Equal(before, SnapshotOf(attempt));
    }

    [Theory]
    [InlineData(PaymentAttemptStatus.Creating)]
    [InlineData(PaymentAttemptStatus.Pending)]
    public void A_creating_or_pending_attempt_can_fail_with_a_code(PaymentAttemptStatus status)
    {
        var attempt = AttemptIn(status);
        var failedAt = Now + Duration.FromSeconds(30);

        attempt.Fail(FailureCode.GatewayTimeout, failedAt);

        Assert.Equal(PaymentAttemptStatus.Failed, attempt.Status);
        Assert.Same(FailureCode.GatewayTimeout, attempt.FailureCode);
        Assert.Equal(failedAt, attempt.UpdatedAt);
    }

    [Theory]
    [InlineData(PaymentAttemptStatus.Succeeded)]
    [InlineData(PaymentAttemptStatus.Failed)]
    [InlineData(PaymentAttemptStatus.Expired)]
    public void A_finished_attempt_cannot_fail(PaymentAttemptStatus status)
    {
        var attempt = AttemptIn(status);
        var before = SnapshotOf(attempt);

        Assert.Throws<InvalidOperationException>(() => attempt.Fail(FailureCode.InternalError, At(5)));
        Assert.Equal(before, SnapshotOf(attempt));
    }

    [Fact]
    public void Abandoning_a_creating_attempt_fails_it_as_an_internal_error()
    {
        var attempt = Started();
        var abandonedAt = Now + PaymentAttempt.AbandonedAfter;

        attempt.Abandon(abandonedAt);

        Assert.Equal(PaymentAttemptStatus.Failed, attempt.Status);
        Assert.Same(FailureCode.InternalError, attempt.FailureCode);
        Assert.Equal(FailureCategory.Internal, attempt.FailureCode!.Category);
        Assert.Equal(abandonedAt, attempt.UpdatedAt);
    }

    [Theory]
    [InlineData(PaymentAttemptStatus.Succeeded)]
    [InlineData(PaymentAttemptStatus.Failed)]
    [InlineData(PaymentAttemptStatus.Expired)]
    public void A_finished_attempt_cannot_be_abandoned(PaymentAttemptStatus status)
    {
        var attempt = AttemptIn(status);
        var before = SnapshotOf(attempt);

        Assert.Throws<InvalidOperationException>(() => attempt.Abandon(At(5)));
        Assert.Equal(before, SnapshotOf(attempt));
    }

    [Theory]
    [InlineData(PaymentAttemptStatus.Creating)]
    [InlineData(PaymentAttemptStatus.Pending)]
    public void A_creating_or_pending_attempt_can_expire_without_a_failure_code(PaymentAttemptStatus status)
    {
        var attempt = AttemptIn(status);
        var expiredAt = SessionEnd;

        attempt.Expire(expiredAt);

        Assert.Equal(PaymentAttemptStatus.Expired, attempt.Status);
        Assert.Null(attempt.FailureCode);
        Assert.Equal(expiredAt, attempt.UpdatedAt);
    }

    [Theory]
    [InlineData(PaymentAttemptStatus.Succeeded)]
    [InlineData(PaymentAttemptStatus.Failed)]
    [InlineData(PaymentAttemptStatus.Expired)]
    public void A_finished_attempt_cannot_expire(PaymentAttemptStatus status)
    {
        var attempt = AttemptIn(status);
        var before = SnapshotOf(attempt);

        Assert.Throws<InvalidOperationException>(() => attempt.Expire(At(5)));
        Assert.Equal(before, SnapshotOf(attempt));
    }

    [Fact]
    public void A_failed_attempt_keeps_the_gateway_session_it_had()
    {
        var attempt = AttemptIn(PaymentAttemptStatus.Pending);

        attempt.Fail(FailureCode.Expired, SessionEnd);

        Assert.Equal("inv_123", attempt.GatewayReference);
        Assert.Equal("https://checkout.example/inv_123", attempt.CheckoutUrl);
    }

    // ---- In progress / abandoned ----

    [Fact]
    public void A_creating_attempt_is_in_progress_until_exactly_AbandonedAfter_has_passed()
    {
        var attempt = Started();
        var limit = attempt.CreatedAt + PaymentAttempt.AbandonedAfter;

        Assert.True(attempt.IsInProgressAt(attempt.CreatedAt));
        Assert.True(attempt.IsInProgressAt(limit - Duration.FromTicks(1)));
        Assert.False(attempt.IsInProgressAt(limit));
        Assert.False(attempt.IsInProgressAt(limit + Duration.FromTicks(1)));
    }

    [Fact]
    public void AbandonedAfter_is_two_minutes()
    {
        // Longer than any gateway timeout; changing it changes when concurrent requests stop getting 409 payment_in_progress.
        Assert.Equal(Duration.FromMinutes(2), PaymentAttempt.AbandonedAfter);
    }

    [Theory]
    [InlineData(PaymentAttemptStatus.Pending)]
    [InlineData(PaymentAttemptStatus.Succeeded)]
    [InlineData(PaymentAttemptStatus.Failed)]
    [InlineData(PaymentAttemptStatus.Expired)]
    public void Only_a_creating_attempt_is_ever_in_progress(PaymentAttemptStatus status)
    {
        var attempt = AttemptIn(status);

        Assert.False(attempt.IsInProgressAt(attempt.CreatedAt));
        Assert.False(attempt.IsInProgressAt(attempt.CreatedAt + Duration.FromSeconds(1)));
    }

    // ---- Reuse ----

    [Fact]
    public void A_pending_attempt_for_the_same_installment_and_amount_with_time_left_is_reused()
    {
        var attempt = AttemptIn(PaymentAttemptStatus.Pending, installment: 2, amount: 250_000);

        Assert.True(attempt.CanBeReusedFor(new PaymentDue(2, Idr(250_000)), Now));
    }

    [Fact]
    public void A_pending_attempt_for_the_whole_invoice_is_reused_for_the_whole_invoice_only()
    {
        var attempt = AttemptIn(PaymentAttemptStatus.Pending, installment: null, amount: 250_000);

        Assert.True(attempt.CanBeReusedFor(new PaymentDue(null, Idr(250_000)), Now));
        Assert.False(attempt.CanBeReusedFor(new PaymentDue(1, Idr(250_000)), Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    [InlineData(3)]
    public void An_attempt_for_another_installment_is_not_reused(int? installment)
    {
        var attempt = AttemptIn(PaymentAttemptStatus.Pending, installment: 2, amount: 250_000);

        Assert.False(attempt.CanBeReusedFor(new PaymentDue(installment, Idr(250_000)), Now));
    }

    [Theory]
    [InlineData(249_999L)]
    [InlineData(250_001L)]
    [InlineData(100_000L)] // after a partial payment the installment's outstanding amount dropped
    public void An_attempt_for_another_amount_is_not_reused(long amount)
    {
        var attempt = AttemptIn(PaymentAttemptStatus.Pending, installment: 2, amount: 250_000);

        Assert.False(attempt.CanBeReusedFor(new PaymentDue(2, Idr(amount)), Now));
    }

    [Fact]
    public void An_attempt_for_the_same_number_of_minor_units_in_another_currency_is_not_reused()
    {
        var attempt = AttemptIn(PaymentAttemptStatus.Pending, installment: 2, amount: 250_000);

        Assert.False(attempt.CanBeReusedFor(new PaymentDue(2, new Money(250_000, Currency.MYR)), Now));
    }

    [Fact]
    public void An_attempt_is_reused_only_while_more_than_ReuseMargin_is_left_to_pay()
    {
        var attempt = AttemptIn(PaymentAttemptStatus.Pending);
        var due = new PaymentDue(2, Idr(250_000));
        var lastUsable = attempt.ExpiresAt - PaymentAttempt.ReuseMargin;

        Assert.True(attempt.CanBeReusedFor(due, lastUsable - Duration.FromTicks(1)));
        Assert.False(attempt.CanBeReusedFor(due, lastUsable));
        Assert.False(attempt.CanBeReusedFor(due, lastUsable + Duration.FromTicks(1)));
        Assert.False(attempt.CanBeReusedFor(due, attempt.ExpiresAt));
        Assert.False(attempt.CanBeReusedFor(due, attempt.ExpiresAt + Duration.FromHours(1)));
    }

    [Fact]
    public void ReuseMargin_is_five_minutes()
    {
        Assert.Equal(Duration.FromMinutes(5), PaymentAttempt.ReuseMargin);
    }

    [Theory]
    [InlineData(PaymentAttemptStatus.Creating)]
    [InlineData(PaymentAttemptStatus.Succeeded)]
    [InlineData(PaymentAttemptStatus.Failed)]
    [InlineData(PaymentAttemptStatus.Expired)]
    public void Only_a_pending_attempt_is_reused(PaymentAttemptStatus status)
    {
        var attempt = AttemptIn(status, installment: 2, amount: 250_000);

        Assert.False(attempt.CanBeReusedFor(new PaymentDue(2, Idr(250_000)), Now));
    }

    // ---- Status names ----

    [Theory]
    [InlineData(PaymentAttemptStatus.Creating, "creating")]
    [InlineData(PaymentAttemptStatus.Pending, "pending")]
    [InlineData(PaymentAttemptStatus.Succeeded, "succeeded")]
    [InlineData(PaymentAttemptStatus.Failed, "failed")]
    [InlineData(PaymentAttemptStatus.Expired, "expired")]
    public void Status_names_are_the_lowercase_names_and_parse_back(PaymentAttemptStatus status, string name)
    {
        Assert.Equal(name, PaymentAttemptStatusNames.Of(status));
        Assert.Equal(status, PaymentAttemptStatusNames.Parse(name));
    }

    [Theory]
    [MemberData(nameof(AllStatuses))]
    public void Every_status_round_trips_through_its_name(PaymentAttemptStatus status)
    {
        Assert.Equal(status, PaymentAttemptStatusNames.Parse(PaymentAttemptStatusNames.Of(status)));
    }

    [Fact]
    public void Every_status_has_a_distinct_name()
    {
        var names = Enum.GetValues<PaymentAttemptStatus>().Select(PaymentAttemptStatusNames.Of).ToArray();

        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData("Creating")] // names are case-sensitive, as stored
    [InlineData("PENDING")]
    [InlineData(" pending")]
    [InlineData("paid")]
    [InlineData("cancelled")]
    [InlineData("0")]
    public void An_unknown_status_name_is_refused(string name)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PaymentAttemptStatusNames.Parse(name));
    }

    [Fact]
    public void A_status_outside_the_enum_has_no_name()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PaymentAttemptStatusNames.Of((PaymentAttemptStatus)99));
    }

    // ---- Restore ----

    [Fact]
    public void Restore_keeps_every_stored_field()
    {
        var stored = new PaymentAttemptSnapshot(
            Guid.Parse("33333333-3333-3333-3333-333333333333"),
            TenantId,
            InvoiceId,
            5,
            17,
            "PT7KQ2MX9RC-017",
            "ewallet",
            "midtrans",
            new Money(4_200, Currency.MYR),
            PaymentAttemptStatus.Failed,
            "snap-token-1",
            "https://app.midtrans.example/snap/v2/vtweb/snap-token-1",
            FailureCode.InsufficientFunds,
            At(1),
            At(2),
            At(3));

        var restored = PaymentAttempt.Restore(stored);

        Assert.Equal(stored, SnapshotOf(restored));
        Assert.Same(FailureCode.InsufficientFunds, restored.FailureCode);
    }

    [Theory]
    [MemberData(nameof(AllStatuses))]
    public void Restoring_an_attempt_gives_back_the_same_attempt_in_every_status(PaymentAttemptStatus status)
    {
        var original = AttemptIn(status);

        var restored = PaymentAttempt.Restore(SnapshotOf(original));

        Assert.Equal(SnapshotOf(original), SnapshotOf(restored));
    }

    [Fact]
    public void A_restored_attempt_behaves_as_the_original()
    {
        var original = Started();
        var restored = PaymentAttempt.Restore(SnapshotOf(original));

        original.Open("inv_9", "https://checkout.example/inv_9", SessionEnd, At(2));
        restored.Open("inv_9", "https://checkout.example/inv_9", SessionEnd, At(2));

        Assert.Equal(SnapshotOf(original), SnapshotOf(restored));
    }
}

/// <summary>What the gateway reports about an attempt after it was opened (spec §7.4).</summary>
public class PaymentAttemptOutcomeTests
{
    private static PaymentAttempt Open()
    {
        var attempt = PaymentAttempt.Start(Guid.NewGuid(), Guid.NewGuid(), "PT7KQ2MX9RC", 1, null, Idr(250_000), "card_psp", "sandbox", At(1), At(3));
        attempt.Open("sbx_1", "https://checkout.example/1", At(3), At(1));
        return attempt;
    }

    [Fact]
    public void Paid_money_succeeds_the_attempt_whatever_state_it_was_in()
    {
        var expired = Open();
        expired.Expire(At(2));
        var failed = Open();
        failed.Fail(FailureCode.Declined, At(2));

        foreach (var attempt in new[] { Open(), expired, failed })
        {
            Assert.True(attempt.MarkPaid(At(2)));
            Assert.Equal(PaymentAttemptStatus.Succeeded, attempt.Status);
            Assert.Null(attempt.FailureCode);
            Assert.False(attempt.MarkPaid(At(3)));
        }
    }

    [Fact]
    public void A_rejection_fails_only_an_open_attempt()
    {
        var open = Open();
        Assert.True(open.RecordRejection(FailureCode.Expired, At(2)));
        Assert.Equal((PaymentAttemptStatus.Failed, FailureCode.Expired), (open.Status, open.FailureCode));

        var paid = Open();
        paid.MarkPaid(At(2));
        Assert.False(paid.RecordRejection(FailureCode.Declined, At(3)));
        Assert.Equal(PaymentAttemptStatus.Succeeded, paid.Status);
    }
}
