using PayTrust.Domain.Payments;

namespace PayTrust.Domain.Errors;

/// <summary>
/// A gateway could not open a payment (spec §7.2): 502 gateway_error naming the gateway and the §7.6
/// failure code. The attempt is already recorded as failed when this is thrown.
/// </summary>
public sealed class GatewayFailureException(string gateway, FailureCode failure)
    : PayTrustException(ErrorKind.Gateway, "gateway_error", $"Gateway {gateway} failed: {failure.Code}")
{
    public string Gateway { get; } = gateway;

    /// <summary>The §7.6 failure code, as clients see it.</summary>
    public string FailureCode { get; } = failure.Code;
}
