using NodaTime;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;
using static PayTrust.Domain.Tests.InvoiceFixtures;

namespace PayTrust.Domain.Tests;

/// <summary>Spec §4 expiry rules at their exact boundaries; created_at is fixed, so "now" never moves.</summary>
public class ExpiryPolicyTests
{
    private static readonly Duration Tick = Duration.Epsilon;

    /// <summary>Three installments every 30 days: the last is due 90 days after creation, 2027-02-21T10:00:00Z.</summary>
    private static readonly Instant LastDue = Instant.FromUtc(2027, 2, 21, 10, 0);

    private static PayTrustException RefusedExpiry(Instant? requested, Instant? lastDue = null)
    {
        var error = Refused(() => ExpiryPolicy.Resolve(CreatedAt, requested, lastDue), "invalid_expiration");
        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.False(requested is { } r && ExpiryPolicy.Allows(CreatedAt, r, lastDue));
        return error;
    }

    private static void Accepted(Instant requested, Instant? lastDue = null)
    {
        Assert.Equal(requested, ExpiryPolicy.Resolve(CreatedAt, requested, lastDue));
        Assert.True(ExpiryPolicy.Allows(CreatedAt, requested, lastDue));
    }

    [Fact]
    public void Without_a_requested_expiry_an_invoice_expires_24_hours_after_creation()
    {
        Assert.Equal(Instant.FromUtc(2026, 11, 24, 10, 0), ExpiryPolicy.Resolve(CreatedAt, null, null));
        Assert.Equal(Instant.FromUtc(2026, 11, 24, 10, 0), WithTotal(Currency.IDR, 1_000).ExpiresAt);
    }

    [Fact]
    public void Exactly_one_hour_after_creation_is_accepted() => Accepted(CreatedAt + Duration.FromHours(1));

    [Fact]
    public void One_tick_less_than_one_hour_after_creation_is_refused()
    {
        var error = RefusedExpiry(CreatedAt + Duration.FromHours(1) - Tick);

        Assert.Equal("Expiration must be at least 1 hour from creation time", error.Message);
    }

    [Fact]
    public void Expiring_at_the_creation_instant_is_too_soon_rather_than_in_the_past()
    {
        var error = RefusedExpiry(CreatedAt);

        Assert.Equal("Expiration must be at least 1 hour from creation time", error.Message);
    }

    [Fact]
    public void Exactly_thirty_days_after_creation_is_accepted() => Accepted(CreatedAt + Duration.FromDays(30));

    [Fact]
    public void One_tick_more_than_thirty_days_after_creation_is_refused()
    {
        var error = RefusedExpiry(CreatedAt + Duration.FromDays(30) + Tick);

        Assert.Equal("Expiration must be within 30 days from creation time", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(24 * 400)]
    public void An_expiry_in_the_past_is_refused(int hoursBeforeCreation)
    {
        var error = RefusedExpiry(CreatedAt - Duration.FromHours(hoursBeforeCreation) - Tick);

        Assert.Equal("Expiration time cannot be in the past", error.Message);
    }

    [Fact]
    public void A_past_expiry_is_refused_even_with_installments()
    {
        var error = RefusedExpiry(CreatedAt - Tick, LastDue);

        Assert.Equal("Expiration time cannot be in the past", error.Message);
    }

    [Fact]
    public void With_installments_the_default_is_24_hours_after_the_last_due_date()
    {
        Assert.Equal(LastDue + Duration.FromHours(24), ExpiryPolicy.Resolve(CreatedAt, null, LastDue));

        var invoice = WithTotal(Currency.IDR, 900, Plan(3));

        Assert.Equal(LastDue, invoice.LastDueDate);
        Assert.Equal(Instant.FromUtc(2027, 2, 22, 10, 0), invoice.ExpiresAt);
    }

    [Fact]
    public void With_installments_an_expiry_before_the_last_due_date_is_refused_naming_that_date()
    {
        var error = RefusedExpiry(LastDue - Tick, LastDue);

        Assert.StartsWith("Invoice expiration cannot occur before final installment due date", error.Message, StringComparison.Ordinal);
        Assert.Contains("2027-02-21T10:00:00", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_installments_an_expiry_at_the_last_due_date_is_accepted() => Accepted(LastDue, LastDue);

    [Fact]
    public void With_installments_an_expiry_thirty_days_after_the_last_due_date_is_accepted() =>
        Accepted(LastDue + Duration.FromDays(30), LastDue);

    [Fact]
    public void With_installments_an_expiry_one_tick_beyond_thirty_days_after_the_last_due_date_is_refused() =>
        RefusedExpiry(LastDue + Duration.FromDays(30) + Tick, LastDue);

    [Fact]
    public void With_installments_the_window_is_measured_from_the_last_due_date_not_from_creation()
    {
        // 60 days after creation is beyond created_at + 30 days but before the last due date + 30 days.
        var dueIn40Days = CreatedAt + Duration.FromDays(40);

        Accepted(CreatedAt + Duration.FromDays(60), dueIn40Days);
    }

    [Fact]
    public void Invoice_create_applies_the_expiry_rules()
    {
        var lines = new[] { Line(Currency.IDR, 1_000) };

        var error = Refused(() => Create(Terms(Currency.IDR, lines, expiresAt: CreatedAt + Duration.FromMinutes(59))), "invalid_expiration");
        Assert.Equal("Expiration must be at least 1 hour from creation time", error.Message);

        Refused(() => Create(Terms(Currency.IDR, lines, installments: Plan(3), expiresAt: LastDue - Tick)), "invalid_expiration");
        Assert.Equal(LastDue, Create(Terms(Currency.IDR, lines, installments: Plan(3), expiresAt: LastDue)).ExpiresAt);
    }

    [Fact]
    public void A_later_revision_still_measures_the_window_from_created_at()
    {
        var invoice = WithTotal(Currency.IDR, 1_000);

        // Revised two hours after creation: created_at + 1h is still acceptable, because "now" is created_at.
        invoice.Revise(Terms(Currency.IDR, [Line(Currency.IDR, 2_000)], expiresAt: CreatedAt + Duration.FromHours(1)), At(2));

        Assert.Equal(CreatedAt + Duration.FromHours(1), invoice.ExpiresAt);
    }

    [Fact]
    public void A_revision_without_an_expiry_keeps_the_current_one_when_it_is_still_allowed()
    {
        var invoice = WithTotal(Currency.IDR, 1_000, expiresAt: CreatedAt + Duration.FromDays(3));

        invoice.Revise(Terms(Currency.IDR, [Line(Currency.IDR, 2_000)]), At(1));

        Assert.Equal(CreatedAt + Duration.FromDays(3), invoice.ExpiresAt);
    }

    [Fact]
    public void A_revision_that_adds_installments_moves_a_no_longer_allowed_expiry_to_the_new_default()
    {
        var invoice = WithTotal(Currency.IDR, 1_000, expiresAt: CreatedAt + Duration.FromDays(3));

        invoice.Revise(Terms(Currency.IDR, [Line(Currency.IDR, 900)], installments: Plan(3)), At(1));

        Assert.Equal(LastDue + Duration.FromHours(24), invoice.ExpiresAt);
    }
}
