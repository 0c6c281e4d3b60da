using PayTrust.Domain.Payments;

namespace PayTrust.Domain.Tests;

public class FailureCodeTests
{
    /// <summary>Spec §7.6, written out by hand: the set is closed, so any change to it must show here.</summary>
    private static readonly Dictionary<string, FailureCategory> Spec = new()
    {
        ["gateway_timeout"] = FailureCategory.Transient,
        ["gateway_unavailable"] = FailureCategory.Transient,
        ["rate_limited_by_gateway"] = FailureCategory.Transient,
        ["database_unavailable"] = FailureCategory.Transient,
        ["declined"] = FailureCategory.Permanent,
        ["insufficient_funds"] = FailureCategory.Permanent,
        ["expired"] = FailureCategory.Permanent,
        ["cancelled_by_customer"] = FailureCategory.Permanent,
        ["fraud_rejected"] = FailureCategory.Permanent,
        ["invalid_request"] = FailureCategory.Permanent,
        ["credentials_missing"] = FailureCategory.Configuration,
        ["credentials_invalid"] = FailureCategory.Configuration,
        ["currency_not_supported"] = FailureCategory.Configuration,
        ["method_not_supported"] = FailureCategory.Configuration,
        ["unexpected_gateway_response"] = FailureCategory.Internal,
        ["internal_error"] = FailureCategory.Internal,
    };

    [Fact]
    public void The_set_is_exactly_the_specs_sixteen_codes_in_their_categories()
    {
        Assert.Equal(Spec.OrderBy(p => p.Key), FailureCode.All.Select(f => KeyValuePair.Create(f.Code, f.Category)).OrderBy(p => p.Key));
    }

    [Fact]
    public void Every_code_parses_back_to_the_same_instance_and_only_transient_ones_are_transient()
    {
        foreach (var failure in FailureCode.All)
        {
            Assert.Same(failure, FailureCode.Parse(failure.Code));
            Assert.Equal(failure.Category == FailureCategory.Transient, failure.IsTransient);
        }
    }

    [Theory]
    [InlineData("Declined")]
    [InlineData("card_declined")]
    [InlineData("")]
    public void A_code_outside_the_set_is_refused(string code)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FailureCode.Parse(code));
    }
}
