using PayTrust.Domain.Errors;

namespace PayTrust.Domain.Payments;

/// <summary>
/// A gateway could not open a payment (spec §7.2): 502 gateway_error naming the gateway and the §7.6
/// failure code. The attempt is already recorded as failed when this is thrown.
/// </summary>
public sealed class GatewayFailureException(string gateway, FailureCode failure)
    : PayTrustException(ErrorKind.Gateway, "gateway_error", $"Gateway {gateway} failed: {failure.Code}")
{
    public string Gateway { get; } = gateway;

    public FailureCode Failure { get; } = failure;
}
