using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Payments.Rails;

/// <summary>
/// The registry of rails, and the one door every rail call goes through: each call is timed, logged
/// with rail, gateway, operation, outcome and failure code (never a secret or a payload), and counted
/// in <see cref="PaymentMetrics"/>. An exception a rail lets escape becomes internal_error here, so no
/// payment path ever surfaces a raw exception (§7.6).
/// </summary>
public sealed class PaymentRails(IEnumerable<IPaymentRail> rails, PaymentMetrics metrics, ILogger<PaymentRails> logger)
{
    private readonly IReadOnlyList<IPaymentRail> _rails = rails.ToArray();

    public IReadOnlyList<IPaymentRail> All => _rails;

    /// <summary>The rail by its code (card_psp, bank_transfer, manual_settlement); 400 invalid_rail otherwise.</summary>
    public IPaymentRail Require(string code) =>
        _rails.FirstOrDefault(rail => rail.Code == code)
        ?? throw new PayTrustException(ErrorKind.InvalidInput, "invalid_rail", $"Invalid rail: {code} not found");

    /// <summary>The rail that carries a gateway's payments; a gateway no rail serves is method_not_supported.</summary>
    public IPaymentRail ForGateway(string gateway) =>
        _rails.FirstOrDefault(rail => rail.Serves(gateway))
        ?? throw new PayTrustException(ErrorKind.BusinessRule, FailureCode.MethodNotSupported.Code, $"No payment rail serves gateway {gateway}");

    public Task<RailResult<CheckoutSession>> OpenCheckoutAsync(string gateway, CheckoutRequest request, GatewayCredentials? credentials, CancellationToken cancellationToken)
    {
        var rail = ForGateway(gateway);
        return ObserveAsync(rail, gateway, "open_checkout", request.Reference, () => rail.OpenCheckoutAsync(gateway, request, credentials, cancellationToken));
    }

    public Task<RailResult<GatewaySession>> CloseCheckoutAsync(string gateway, GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken)
    {
        var rail = ForGateway(gateway);
        return ObserveAsync(rail, gateway, "close_checkout", session.Reference, () => rail.CloseCheckoutAsync(gateway, session, credentials, cancellationToken));
    }

    public Task<RailResult<GatewayPaymentStatus>> QueryStatusAsync(string gateway, GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken)
    {
        var rail = ForGateway(gateway);
        return ObserveAsync(rail, gateway, "query_status", session.Reference, () => rail.QueryStatusAsync(gateway, session, credentials, cancellationToken));
    }

    private async Task<RailResult<T>> ObserveAsync<T>(IPaymentRail rail, string gateway, string operation, string reference, Func<Task<RailResult<T>>> call)
    {
        var started = Stopwatch.GetTimestamp();
        RailResult<T> result;
        try
        {
            result = await call();
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception unexpected)
        {
            // A rail must map its failures itself; one that did not is our bug, reported without the exception's text.
            logger.LogError(unexpected, "Rail {Rail} threw during {Operation} for {AttemptReference}", rail.Code, operation, reference);
            result = RailResult<T>.Failed(FailureCode.InternalError, "unhandled exception in rail");
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        metrics.Record(rail.Code, gateway, operation, result.Outcome, result.Failure, elapsed);
        var level = result.IsFailed ? LogLevel.Warning : LogLevel.Information;
        if (logger.IsEnabled(level))
        {
            logger.Log(level, "Payment {Operation} on {Rail}/{Gateway} for {AttemptReference}: {Outcome} {FailureCode} {FailureDetail} in {DurationMs:0.0} ms",
                operation, rail.Code, gateway, reference, OutcomeName(result.Outcome), result.Failure?.Code, result.Detail, elapsed.TotalMilliseconds);
        }

        return result;
    }

    public static string OutcomeName(RailOutcome outcome) => outcome switch
    {
        RailOutcome.Succeeded => "succeeded",
        RailOutcome.Pending => "pending",
        _ => "failed",
    };
}
