using PayTrust.Domain.Payments;

namespace PayTrust.Domain.Tests;

/// <summary>The tri-state result every rail and gateway call returns instead of throwing (spec §7.6).</summary>
public class RailResultTests
{
    private sealed record Session(string Reference);

    [Fact]
    public void Succeeded_carries_its_value_and_no_failure()
    {
        var session = new Session("inv_1");

        var result = RailResult<Session>.Succeeded(session);

        Assert.Equal(RailOutcome.Succeeded, result.Outcome);
        Assert.Same(session, result.Value);
        Assert.Null(result.Failure);
        Assert.Null(result.Detail);
        Assert.False(result.IsFailed);
    }

    [Fact]
    public void Pending_carries_its_value_and_no_failure()
    {
        var session = new Session("va_1");

        var result = RailResult<Session>.Pending(session);

        Assert.Equal(RailOutcome.Pending, result.Outcome);
        Assert.Same(session, result.Value);
        Assert.Null(result.Failure);
        Assert.Null(result.Detail);
        Assert.False(result.IsFailed);
    }

    [Fact]
    public void Failed_carries_the_code_and_detail_and_no_value()
    {
        var result = RailResult<Session>.Failed(FailureCode.GatewayTimeout, "no answer within 10 s");

        Assert.Equal(RailOutcome.Failed, result.Outcome);
        Assert.Null(result.Value);
        Assert.Same(FailureCode.GatewayTimeout, result.Failure);
        Assert.Equal("no answer within 10 s", result.Detail);
        Assert.True(result.IsFailed);
    }

    [Fact]
    public void A_failed_result_of_a_value_type_has_the_default_value()
    {
        var result = RailResult<int>.Failed(FailureCode.Declined, "declined by issuer");

        Assert.Equal(0, result.Value);
        Assert.True(result.IsFailed);
        Assert.Same(FailureCode.Declined, result.Failure);
    }

    [Fact]
    public void Every_failure_code_of_the_closed_set_can_be_carried()
    {
        foreach (var failure in FailureCode.All)
        {
            var result = RailResult<Session>.Failed(failure, failure.Code);

            Assert.Same(failure, result.Failure);
            Assert.Equal(RailOutcome.Failed, result.Outcome);
        }
    }

    [Fact]
    public void Results_compare_by_value()
    {
        var session = new Session("inv_1");

        Assert.Equal(RailResult<Session>.Succeeded(session), RailResult<Session>.Succeeded(new Session("inv_1")));
        Assert.NotEqual(RailResult<Session>.Succeeded(session), RailResult<Session>.Pending(session));
        Assert.Equal(RailResult<Session>.Failed(FailureCode.Declined, "x"), RailResult<Session>.Failed(FailureCode.Declined, "x"));
        Assert.NotEqual(RailResult<Session>.Failed(FailureCode.Declined, "x"), RailResult<Session>.Failed(FailureCode.FraudRejected, "x"));
    }
}
