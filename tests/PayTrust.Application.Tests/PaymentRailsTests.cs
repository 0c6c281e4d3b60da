using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Payments.Rails;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Monetary;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Tests;

/// <summary>
/// The one door every rail call goes through (PaymentRails): what it makes of a rail that breaks its contract, what it
/// lets through, what it counts, and how it refuses a rail or gateway nobody serves (spec §3, §7.6).
/// </summary>
public sealed class PaymentRailsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Dictionary<string, object?>> _counted = new();

    public PaymentRailsTests()
    {
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this test's meter: other test classes run in parallel with meters of the same name.
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Name == "paytrust.payment.operations")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            _counted.Enqueue(tags.ToArray().ToDictionary(tag => tag.Key, tag => tag.Value)));
        _listener.Start();
    }

    [Fact]
    public async Task A_rail_that_throws_becomes_internal_error_and_is_counted_as_a_failure()
    {
        var rails = Rails(new ThrowingRail(new InvalidOperationException("secret-looking detail")));

        var result = await rails.OpenCheckoutAsync("sandbox", Checkout(), null, CancellationToken.None);

        Assert.Equal((RailOutcome.Failed, FailureCode.InternalError), (result.Outcome, result.Failure));
        Assert.DoesNotContain("secret-looking", result.Detail);
        var counted = Assert.Single(_counted);
        Assert.Equal(
            ("card_psp", "sandbox", "open_checkout", "failed", "internal_error"),
            ((string?)counted["rail"], (string?)counted["gateway"], (string?)counted["operation"], (string?)counted["outcome"], (string?)counted["failure_code"]));
    }

    [Fact]
    public async Task The_callers_own_cancellation_is_not_a_rail_failure()
    {
        var rails = Rails(new ThrowingRail(new OperationCanceledException()));

        await Assert.ThrowsAsync<OperationCanceledException>(() => rails.OpenCheckoutAsync("sandbox", Checkout(), null, CancellationToken.None));

        Assert.Empty(_counted);
    }

    [Fact]
    public void An_unknown_rail_is_invalid_rail_and_a_gateway_no_rail_serves_is_method_not_supported()
    {
        var rails = Rails(new ThrowingRail(new InvalidOperationException()));

        Assert.Equal("invalid_rail", Assert.Throws<PayTrustException>(() => rails.Require("wire")).Code);
        Assert.Equal("method_not_supported", Assert.Throws<PayTrustException>(() => rails.ForGateway("paypal")).Code);
        Assert.Equal("card_psp", rails.Require("card_psp").Code);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    private PaymentRails Rails(IPaymentRail rail) =>
        new([rail], new PaymentMetrics(_services.GetRequiredService<IMeterFactory>()), NullLogger<PaymentRails>.Instance);

    private static CheckoutRequest Checkout()
    {
        var amount = Money.Amount(150_000, Currency.IDR);
        var now = Instant.FromUtc(2026, 12, 3, 2, 0);
        return new CheckoutRequest(
            "PTREF-001", amount, "Order", [new CheckoutItem("Order", 1, amount)], null, now, now + Duration.FromHours(1),
            "https://pay.example/return", "https://pay.example/return");
    }

    /// <summary>A card rail over the sandbox that throws instead of answering: a rail breaking its contract.</summary>
    private sealed class ThrowingRail(Exception thrown) : IPaymentRail
    {
        public string Code => "card_psp";

        public RailCapabilities Capabilities { get; } = new(SupportsAsync: true, SupportsRefund: true, SettlementMode.GatewaySettled, HostsCheckout: true);

        public bool Serves(string gateway) => gateway == "sandbox";

        public Task<RailResult<CheckoutSession>> OpenCheckoutAsync(string gateway, CheckoutRequest request, GatewayCredentials? credentials, CancellationToken cancellationToken) =>
            Task.FromException<RailResult<CheckoutSession>>(thrown);

        public Task<RailResult<GatewaySession>> CloseCheckoutAsync(string gateway, GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken) =>
            Task.FromException<RailResult<GatewaySession>>(thrown);

        public Task<RailResult<GatewayPaymentStatus>> QueryStatusAsync(string gateway, GatewaySession session, GatewayCredentials? credentials, CancellationToken cancellationToken) =>
            Task.FromException<RailResult<GatewayPaymentStatus>>(thrown);
    }
}
