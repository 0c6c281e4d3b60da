using System.Globalization;
using FluentValidation;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Invoices;

namespace PayTrust.Application.Features.Reports;

/// <summary>
/// GET /reports/financial (spec §12): per currency, the invoices that became fully paid in [start, end) — their
/// totals, tax by rate and service fees by gateway — the cash applied in the window, and the money that went back
/// (refunds, chargebacks, reversals) and what is left of the cash once it is taken off. Bounds arrive as the
/// client wrote them and are parsed by the validator (<see cref="ReportPeriod"/>); <see cref="Format"/> is
/// <c>json</c> or <c>csv</c> (the endpoint renders, the numbers are the same). Decisions: ADR 16.
/// </summary>
public sealed record GetFinancialReport(string? StartDate, string? EndDate, string? CurrencyCode, string? Gateway, string? Format = null)
    : IQuery<FinancialReport>
{
    public const string Json = "json";
    public const string Csv = "csv";
}

public sealed record FinancialReport(FinancialReportPeriod Period, IReadOnlyList<CurrencyReport> ByCurrency);

public sealed record FinancialReportPeriod(Instant StartDate, Instant EndDate);

/// <summary>
/// One currency; never added to another. The first six amounts are over the invoices fully paid in the window
/// (<see cref="Overpayment"/> as it stood at the window's end); <see cref="Collected"/> is every applied payment
/// in the window, whatever its invoice's status; <see cref="Refunded"/> is the money-out entries against applied
/// payments that happened in the window (by <c>refunded_at</c>), by kind in <see cref="MoneyOutBreakdown"/>;
/// <see cref="NetCollected"/> = collected − refunded, negative when more went back than came in.
/// </summary>
public sealed record CurrencyReport(
    string CurrencyCode,
    long InvoiceCount,
    long Subtotal,
    long Tax,
    long ServiceFees,
    long Amount,
    long Overpayment,
    long Collected,
    long Refunded,
    long NetCollected,
    IReadOnlyList<TaxRateLine> TaxBreakdown,
    IReadOnlyList<GatewayLine> GatewayBreakdown,
    IReadOnlyList<MoneyOutLine> MoneyOutBreakdown);

/// <summary>Tax at one rate: <see cref="TaxRate"/> as a decimal string ("0.11"), <see cref="Label"/> like <c>IDR_11%</c>.</summary>
public sealed record TaxRateLine(string TaxRate, string Label, long Amount, long LineItemCount, long InvoiceCount)
{
    /// <summary>"IDR" and 0.125 → "IDR_12.5%": the rate in percent, shortest exact form (rates have ≤ 4 decimals, so ≤ 2 here).</summary>
    public static string LabelOf(string currencyCode, decimal rate) =>
        $"{currencyCode}_{(rate * 100).ToString("0.##", CultureInfo.InvariantCulture)}%";
}

public sealed record GatewayLine(string Gateway, long ServiceFees, long InvoiceCount);

/// <summary>
/// Money out of one <see cref="Kind"/> (<c>refund</c>, <c>chargeback</c>, <c>reversal</c>): its <see cref="Amount"/>
/// in minor units and the number of entries behind it. Only kinds with entries are listed.
/// </summary>
public sealed record MoneyOutLine(string Kind, long Amount, long Count);

internal sealed class GetFinancialReportValidator : AbstractValidator<GetFinancialReport>
{
    public GetFinancialReportValidator(IGatewayCatalog gateways)
    {
        RuleFor(q => q.StartDate).Must(text => ReportPeriod.Parse(text) is not null)
            .WithErrorCode("invalid_date").WithMessage($"start_date is required: an ISO 8601 date or date-time with an offset ({ReportPeriod.Example})");
        RuleFor(q => q.EndDate).Must(text => ReportPeriod.Parse(text) is not null)
            .WithErrorCode("invalid_date").WithMessage($"end_date is required: an ISO 8601 date or date-time with an offset ({ReportPeriod.Example})");
        RuleFor(q => q)
            .Must(q => ReportPeriod.IsValid(ReportPeriod.Parse(q.StartDate)!.Value, ReportPeriod.Parse(q.EndDate)!.Value))
            .When(q => ReportPeriod.Parse(q.StartDate) is not null && ReportPeriod.Parse(q.EndDate) is not null)
            .OverridePropertyName("end_date").WithErrorCode("invalid_period")
            .WithMessage("end_date must be after start_date and at most 366 days after it");
        RuleFor(q => q.CurrencyCode).ValidCurrency().When(q => q.CurrencyCode is not null);
        RuleFor(q => q.Gateway).MustAsync(async (code, cancellationToken) => code is null || await gateways.ExistsAsync(code, cancellationToken))
            .WithErrorCode("invalid_gateway").WithMessage((_, code) => $"Invalid gateway: {code} not found");
        RuleFor(q => q.Format).Must(format => format is null or GetFinancialReport.Json or GetFinancialReport.Csv)
            .WithErrorCode("invalid_format").WithMessage($"format must be {GetFinancialReport.Json} or {GetFinancialReport.Csv}");
    }
}

internal sealed class GetFinancialReportHandler(IDbSession session, ICallerContext caller) : IQueryHandler<GetFinancialReport, FinancialReport>
{
    public async ValueTask<FinancialReport> Handle(GetFinancialReport query, CancellationToken cancellationToken)
    {
        // The validator has parsed both bounds already; parsing again is cheaper than carrying a second message type.
        var start = ReportPeriod.Parse(query.StartDate)!.Value;
        var end = ReportPeriod.Parse(query.EndDate)!.Value;
        return await new FinancialReportReader(session).ReadAsync(
            caller.RequireTenant(), start, end, query.CurrencyCode, query.Gateway, liveOnly: false, cancellationToken);
    }
}
