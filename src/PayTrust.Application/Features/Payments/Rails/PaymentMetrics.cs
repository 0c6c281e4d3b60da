using System.Diagnostics;
using System.Diagnostics.Metrics;
using PayTrust.Domain.Payments;

namespace PayTrust.Application.Features.Payments.Rails;

/// <summary>
/// Payment metrics (spec §7.6, §13) on a System.Diagnostics.Metrics meter, ready for any exporter
/// (Prometheus at GET /metrics is a later issue): operations counted and timed by rail, gateway,
/// operation, outcome and failure code.
/// </summary>
public sealed class PaymentMetrics : IDisposable
{
    public const string MeterName = "PayTrust.Payments";

    private readonly Meter _meter;
    private readonly Counter<long> _operations;
    private readonly Histogram<double> _duration;

    public PaymentMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _operations = _meter.CreateCounter<long>("paytrust.payment.operations", description: "Rail operations by rail, gateway, operation, outcome and failure code");
        _duration = _meter.CreateHistogram<double>("paytrust.payment.operation.duration", unit: "ms", description: "Rail operation duration");
    }

    public void Record(string rail, string gateway, string operation, RailOutcome outcome, FailureCode? failure, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { "rail", rail },
            { "gateway", gateway },
            { "operation", operation },
            { "outcome", PaymentRails.OutcomeName(outcome) },
            { "failure_code", failure?.Code ?? "none" },
        };
        _operations.Add(1, tags);
        _duration.Record(elapsed.TotalMilliseconds, tags);
    }

    public void Dispose() => _meter.Dispose();
}
