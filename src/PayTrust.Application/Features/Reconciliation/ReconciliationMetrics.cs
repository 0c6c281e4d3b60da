using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PayTrust.Application.Features.Reconciliation;

/// <summary>
/// Reconciliation metrics (spec §7.7, §13) on the "PayTrust.Reconciliation" meter: invariant violations by rule,
/// and gateway checks of pending attempts by gateway and what they concluded.
/// </summary>
public sealed class ReconciliationMetrics : IDisposable
{
    public const string MeterName = "PayTrust.Reconciliation";

    public const string ViolationsInstrument = "paytrust.invariant.violations";

    private readonly Meter _meter;
    private readonly Counter<long> _violations;
    private readonly Counter<long> _checks;

    public ReconciliationMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _violations = _meter.CreateCounter<long>(ViolationsInstrument, description: "Money invariant violations found, by rule");
        _checks = _meter.CreateCounter<long>("paytrust.reconciliation.checks", description: "Pending attempts checked at their gateway, by gateway and outcome");
    }

    public void Violation(string rule) => _violations.Add(1, new TagList { { "rule", rule } });

    public void Checked(string gateway, string outcome) => _checks.Add(1, new TagList { { "gateway", gateway }, { "outcome", outcome } });

    public void Dispose() => _meter.Dispose();
}
