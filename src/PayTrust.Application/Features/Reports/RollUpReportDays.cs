using System.Data.Common;
using Dapper;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;

namespace PayTrust.Application.Features.Reports;

/// <summary>
/// The report roll-up job's unit of work (ADR 16): claims one tenant whose closed days are not all rolled up (FOR
/// UPDATE SKIP LOCKED on its progress row, so instances running at once take different tenants), stores the sums of
/// up to <see cref="MaxDays"/> of its closed days in the report_daily_* tables and moves its progress past them, all
/// in one transaction. Returns 1 when a tenant was handled, 0 when none was due.
/// </summary>
public sealed record RollUpReportDays(int MaxDays) : ICommand<int>;

/// <summary>UTC days as the roll-ups see them.</summary>
public static class ReportDays
{
    /// <summary>
    /// How long after midnight a day counts as closed. paid_at and recorded_at are read from the clock before the
    /// transaction that writes them commits, so a payment stamped 23:59:59 may become visible a little after
    /// midnight; rolling the day up then would miss it for ever. A payment transaction is bounded by the 5 s lock
    /// wait and the 30 s command timeout of its few statements (no gateway call is made inside one), and instances'
    /// clocks are NTP-synchronised to well under a second: 10 minutes leaves a wide margin for both.
    /// </summary>
    public static readonly Duration Grace = Duration.FromMinutes(10);

    public static Instant StartOfDay(Instant instant) => instant.InUtc().Date.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();

    /// <summary>The first day that is not closed at <paramref name="now"/>: every day before it is final.</summary>
    public static Instant ClosedUntil(Instant now) => StartOfDay(now - Grace);
}

internal sealed class RollUpReportDaysHandler(IDbSession session, IClock clock) : ICommandHandler<RollUpReportDays, int>
{
    public async ValueTask<int> Handle(RollUpReportDays command, CancellationToken cancellationToken)
    {
        var closedUntil = ReportDays.ClosedUntil(clock.GetCurrentInstant()).ToDateTimeUtc();
        var connection = await session.GetConnectionAsync(cancellationToken);
        Task<int> Execute(string sql, object? parameters = null) =>
            connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));

        // A tenant gets its progress row the first time the job runs after it exists (IGNORE: another instance may
        // insert the same row at the same moment). The missing ones are found with a plain read first: an
        // INSERT … SELECT would share-lock every progress row it reads, and the claim below (SKIP LOCKED) of another
        // instance would then skip them all and wrongly conclude there is nothing to do.
        var missing = (await connection.QueryAsync<Guid>(new CommandDefinition(
            "SELECT t.id FROM tenants t LEFT JOIN report_rollup_progress r ON r.tenant_id = t.id WHERE r.tenant_id IS NULL",
            cancellationToken: cancellationToken))).ToArray();
        if (missing.Length > 0)
        {
            await Execute(
                "INSERT IGNORE INTO report_rollup_progress (tenant_id, rolled_up_until) VALUES (@TenantId, NULL)",
                missing.Select(id => new { TenantId = id }).ToArray());
        }
        var claimed = await connection.QuerySingleOrDefaultAsync<Progress>(new CommandDefinition(
            """
            SELECT tenant_id AS TenantId, rolled_up_until AS RolledUpUntil FROM report_rollup_progress
            WHERE rolled_up_until IS NULL OR rolled_up_until < @ClosedUntil
            LIMIT 1 FOR UPDATE SKIP LOCKED
            """,
            new { ClosedUntil = closedUntil }, cancellationToken: cancellationToken));
        if (claimed is null)
        {
            return 0;
        }

        // A tenant never rolled up starts at its first day with a paid invoice or applied money; with none, every
        // closed day is empty and nothing can be written into one later (new rows are stamped now, after them).
        var from = claimed.RolledUpUntil ?? await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            """
            SELECT DATE(MIN(first_at)) FROM (
                SELECT MIN(paid_at) AS first_at FROM invoices WHERE tenant_id = @TenantId AND status = 'fully_paid' AND paid_at IS NOT NULL
                UNION ALL
                SELECT MIN(recorded_at) FROM payments WHERE tenant_id = @TenantId AND applied = 1) firsts
            """,
            new { claimed.TenantId }, cancellationToken: cancellationToken)) ?? closedUntil;
        var to = from.AddDays(command.MaxDays) < closedUntil ? from.AddDays(command.MaxDays) : closedUntil;
        if (from < to)
        {
            await RollUpAsync(connection, claimed.TenantId, from, to, cancellationToken);
        }

        await Execute(
            "UPDATE report_rollup_progress SET rolled_up_until = @To WHERE tenant_id = @TenantId",
            new { claimed.TenantId, To = from < to ? to : closedUntil });
        return 1;
    }

    // The same figures as the report's live statements, per day of [from, to), currency and invoice gateway, read with
    // plain (non-locking) reads of this transaction's snapshot, so the payment path is never blocked by the job. A
    // day's overpayment is what its invoices' payments up to the day's end exceed their totals (the current
    // overpayment less the money applied from the next day on); that later money is stored per day it was applied
    // and day its invoice was paid, so a report can add exactly the part that arrived before its end.
    private static async Task RollUpAsync(DbConnection connection, Guid tenantId, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var parameters = new { TenantId = tenantId, From = from, To = to };
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            """
            SELECT DATE(i.paid_at) AS Day, i.currency_code AS CurrencyCode, i.gateway AS Gateway, COUNT(*) AS InvoiceCount,
                   SUM(i.subtotal_amount) AS Subtotal, SUM(i.total_tax_amount) AS Tax, SUM(i.total_service_fee_amount) AS ServiceFees,
                   SUM(i.total_amount) AS Amount, SUM(i.overpayment_amount) AS Overpayment
            FROM invoices i
            WHERE i.tenant_id = @TenantId AND i.status = 'fully_paid' AND i.paid_at >= @From AND i.paid_at < @To
            GROUP BY DATE(i.paid_at), i.currency_code, i.gateway;
            SELECT DATE(i.paid_at) AS Day, i.currency_code AS CurrencyCode, i.gateway AS Gateway, SUM(p.amount) AS Amount
            FROM invoices i
            JOIN payments p ON p.tenant_id = i.tenant_id AND p.invoice_id = i.id AND p.applied = 1 AND p.recorded_at >= DATE(i.paid_at) + INTERVAL 1 DAY
            WHERE i.tenant_id = @TenantId AND i.status = 'fully_paid' AND i.paid_at >= @From AND i.paid_at < @To
            GROUP BY DATE(i.paid_at), i.currency_code, i.gateway;
            SELECT DATE(p.recorded_at) AS Day, p.currency_code AS CurrencyCode, i.gateway AS Gateway, SUM(p.amount) AS Amount
            FROM payments p
            JOIN invoices i ON i.id = p.invoice_id AND i.tenant_id = p.tenant_id
            WHERE p.tenant_id = @TenantId AND p.applied = 1 AND p.recorded_at >= @From AND p.recorded_at < @To
            GROUP BY DATE(p.recorded_at), p.currency_code, i.gateway;
            SELECT DATE(t.paid_at) AS Day, t.currency_code AS CurrencyCode, t.gateway AS Gateway, t.tax_rate AS TaxRate,
                   SUM(t.tax_amount) AS Amount, SUM(t.line_item_count) AS LineItemCount, COUNT(*) AS InvoiceCount
            FROM paid_invoice_taxes t
            WHERE t.tenant_id = @TenantId AND t.paid_at >= @From AND t.paid_at < @To
            GROUP BY DATE(t.paid_at), t.currency_code, t.gateway, t.tax_rate;
            SELECT DATE(p.recorded_at) AS Day, DATE(i.paid_at) AS PaidDay, i.currency_code AS CurrencyCode, i.gateway AS Gateway, SUM(p.amount) AS Amount
            FROM payments p
            JOIN invoices i ON i.id = p.invoice_id AND i.tenant_id = p.tenant_id
            WHERE p.tenant_id = @TenantId AND p.applied = 1 AND p.recorded_at >= @From AND p.recorded_at < @To
              AND i.status = 'fully_paid' AND i.paid_at < DATE(p.recorded_at)
            GROUP BY DATE(p.recorded_at), DATE(i.paid_at), i.currency_code, i.gateway;
            """,
            parameters, cancellationToken: cancellationToken));
        var paid = (await results.ReadAsync<PaidRow>()).ToDictionary(row => (row.Day, row.CurrencyCode, row.Gateway));
        var later = (await results.ReadAsync<DayAmount>()).ToDictionary(row => (row.Day, row.CurrencyCode, row.Gateway), row => row.Amount);
        var collected = (await results.ReadAsync<DayAmount>()).ToDictionary(row => (row.Day, row.CurrencyCode, row.Gateway), row => row.Amount);
        var taxes = (await results.ReadAsync<TaxRow>()).ToArray();
        var lateOverpayments = (await results.ReadAsync<LateRow>()).ToArray();

        var totals = paid.Keys.Union(collected.Keys).Select(key =>
        {
            var row = paid.GetValueOrDefault(key);
            return new
            {
                TenantId = tenantId,
                key.Day,
                key.CurrencyCode,
                key.Gateway,
                InvoiceCount = row?.InvoiceCount ?? 0,
                Subtotal = row?.Subtotal ?? 0,
                Tax = row?.Tax ?? 0,
                ServiceFees = row?.ServiceFees ?? 0,
                Amount = row?.Amount ?? 0,
                Overpayment = (row?.Overpayment ?? 0) - later.GetValueOrDefault(key),
                Collected = collected.GetValueOrDefault(key),
            };
        });
        var insert = (string sql, object rows) =>
            connection.ExecuteAsync(new CommandDefinition(sql, rows, cancellationToken: cancellationToken));
        await insert(
            """
            INSERT INTO report_daily_totals (tenant_id, day, currency_code, gateway, invoice_count, subtotal, tax, service_fees, amount, overpayment, collected)
            VALUES (@TenantId, @Day, @CurrencyCode, @Gateway, @InvoiceCount, @Subtotal, @Tax, @ServiceFees, @Amount, @Overpayment, @Collected)
            """,
            totals.ToArray());
        await insert(
            """
            INSERT INTO report_daily_taxes (tenant_id, day, currency_code, gateway, tax_rate, amount, line_item_count, invoice_count)
            VALUES (@TenantId, @Day, @CurrencyCode, @Gateway, @TaxRate, @Amount, @LineItemCount, @InvoiceCount)
            """,
            taxes.Select(row => new { TenantId = tenantId, row.Day, row.CurrencyCode, row.Gateway, row.TaxRate, row.Amount, row.LineItemCount, row.InvoiceCount }).ToArray());
        await insert(
            """
            INSERT INTO report_daily_late_overpayments (tenant_id, day, paid_day, currency_code, gateway, amount)
            VALUES (@TenantId, @Day, @PaidDay, @CurrencyCode, @Gateway, @Amount)
            """,
            lateOverpayments.Select(row => new { TenantId = tenantId, row.Day, row.PaidDay, row.CurrencyCode, row.Gateway, row.Amount }).ToArray());
    }

    private sealed record Progress(Guid TenantId, DateTime? RolledUpUntil);

    private sealed record PaidRow(
        DateTime Day, string CurrencyCode, string Gateway, long InvoiceCount, decimal Subtotal, decimal Tax, decimal ServiceFees, decimal Amount, decimal Overpayment);

    private sealed record DayAmount(DateTime Day, string CurrencyCode, string Gateway, decimal Amount);

    private sealed record TaxRow(DateTime Day, string CurrencyCode, string Gateway, decimal TaxRate, decimal Amount, decimal LineItemCount, long InvoiceCount);

    private sealed record LateRow(DateTime Day, DateTime PaidDay, string CurrencyCode, string Gateway, decimal Amount);
}
