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
    private readonly Counter<long> _received;

    public PaymentMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _operations = _meter.CreateCounter<long>("paytrust.payment.operations", description: "Rail operations by rail, gateway, operation, outcome and failure code");
        _duration = _meter.CreateHistogram<double>("paytrust.payment.operation.duration", unit: "ms", description: "Rail operation duration");
        _received = _meter.CreateCounter<long>("paytrust.payment.received", description: "Committed payments by rail, gateway, source and whether they were applied");
    }

    /// <summary>A payment committed (spec §7.4, §7.5): by any source, on any rail, applied to its invoice or not (closed invoice).</summary>
    public void RecordReceived(string rail, string? gateway, string source, bool applied) =>
        _received.Add(1, new TagList
        {
            { "rail", rail },
            { "gateway", gateway ?? "none" },
            { "source", source },
            { "applied", applied ? "true" : "false" },
        });

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
