using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Logging;
using NodaTime;
using PayTrust.Application.Abstractions;

namespace PayTrust.Application.Features.Reconciliation;

/// <summary>
/// Checks the money invariants (spec §7.7) of invoices updated at or after <paramref name="UpdatedSince"/>, or of all
/// invoices when it is null (the worker's first pass). Each violation is logged at Critical naming the invoice and
/// the rule, and counted on <c>paytrust.invariant.violations</c>. Read-only: nothing is repaired, because the right
/// repair depends on which side is wrong, and a person must judge that. The invoices are read
/// <paramref name="PageSize"/> at a time, in order of (updated_at, id), so no statement runs long however large the
/// ledger grows.
/// </summary>
public sealed record CheckInvariants(Instant? UpdatedSince, int PageSize = CheckInvariants.DefaultPageSize)
    : IQuery<IReadOnlyList<InvariantViolation>>
{
    /// <summary>
    /// A page of 1,000 took 20–30 ms on the 2 vCPU bench machine (a range read, then per invoice its row and the
    /// look-ups of its installments and payments): short enough not to hold up payments.
    /// </summary>
    public const int DefaultPageSize = 1000;
}

internal sealed class CheckInvariantsValidator : AbstractValidator<CheckInvariants>
{
    public CheckInvariantsValidator()
    {
        RuleFor(query => query.PageSize).GreaterThan(0).WithErrorCode("invalid_page_size");
    }
}

/// <summary>One broken invariant of one invoice; <see cref="Detail"/> states the numbers that disagree.</summary>
public sealed record InvariantViolation(Guid TenantId, Guid InvoiceId, string Rule, string Detail);

/// <summary>The rules' names, as logged and as the metric's <c>rule</c> tag.</summary>
public static class InvariantRules
{
    /// <summary>Σ installments.amount = total_amount, for an invoice with installments.</summary>
    public const string InstallmentsSum = "installments_sum";

    /// <summary>amount_paid = Σ payments.amount of the invoice's applied payments.</summary>
    public const string AmountPaidSum = "amount_paid_sum";

    /// <summary>overpayment_amount = max(0, amount_paid − total_amount).</summary>
    public const string Overpayment = "overpayment_amount";

    /// <summary>
    /// The status agrees with the amounts: fully_paid ⇔ something paid and amount_paid ≥ total; partially_paid ⇒
    /// 0 &lt; amount_paid &lt; total; draft, pending, failed ⇒ nothing paid.
    /// </summary>
    public const string StatusAmounts = "status_amounts";
}

internal sealed class CheckInvariantsHandler(IDbSession session, ReconciliationMetrics metrics, ILogger<CheckInvariantsHandler> logger)
    : IQueryHandler<CheckInvariants, IReadOnlyList<InvariantViolation>>
{
    // Each page is one statement, so one consistent snapshot: a payment row and the invoice amounts it changed commit
    // together, so a payment being applied right now is seen whole or not at all, never as a violation. Pages follow
    // ix_invoices_updated from the last (updated_at, id) seen. An invoice updated after its page was read usually
    // moves ahead of the cursor and is read again later in this walk; one stamped with a transaction start already
    // behind the cursor is read by the next check, which looks back five minutes (see the worker).
    private const string PageSql = """
        SELECT i.tenant_id AS TenantId, i.id AS InvoiceId, i.status AS Status, i.total_amount AS TotalAmount,
               i.amount_paid AS AmountPaid, i.overpayment_amount AS OverpaymentAmount, i.updated_at AS UpdatedAt,
               CAST((SELECT SUM(s.amount) FROM invoice_installments s WHERE s.invoice_id = i.id) AS SIGNED) AS InstallmentsTotal,
               CAST((SELECT COALESCE(SUM(p.amount), 0) FROM payments p
                     WHERE p.tenant_id = i.tenant_id AND p.invoice_id = i.id AND p.applied = 1) AS SIGNED) AS AppliedTotal
        FROM invoices i FORCE INDEX (ix_invoices_updated)
        WHERE i.updated_at > @AfterUpdatedAt OR (i.updated_at = @AfterUpdatedAt AND i.id > @AfterId)
        ORDER BY i.updated_at, i.id
        LIMIT @PageSize
        """;

    // Before every invoice: DATETIME's least value, and an id that sorts before every id.
    private static readonly Instant Beginning = Instant.FromUtc(1000, 1, 1, 0, 0);

    public async ValueTask<IReadOnlyList<InvariantViolation>> Handle(CheckInvariants query, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        var violations = new List<InvariantViolation>();
        // An invoice read twice in one walk (updated while it ran) is reported once.
        var reported = new HashSet<(Guid InvoiceId, string Rule)>();
        var after = (UpdatedAt: query.UpdatedSince ?? Beginning, Id: "");
        while (true)
        {
            var page = (await connection.QueryAsync<Row>(new CommandDefinition(
                PageSql, new { AfterUpdatedAt = after.UpdatedAt, AfterId = after.Id, query.PageSize }, cancellationToken: cancellationToken))).AsList();
            foreach (var violation in page.SelectMany(Violations).Where(v => reported.Add((v.InvoiceId, v.Rule))))
            {
                logger.LogCritical("Money invariant {Rule} violated by invoice {InvoiceId} of tenant {TenantId}: {Detail}",
                    violation.Rule, violation.InvoiceId, violation.TenantId, violation.Detail);
                metrics.Violation(violation.Rule);
                violations.Add(violation);
            }

            if (page.Count < query.PageSize)
            {
                return violations;
            }

            after = (page[^1].UpdatedAt, page[^1].InvoiceId.ToString());
        }
    }

    private static IEnumerable<InvariantViolation> Violations(Row row)
    {
        if (row.InstallmentsTotal is { } installments && installments != row.TotalAmount)
        {
            yield return new(row.TenantId, row.InvoiceId, InvariantRules.InstallmentsSum,
                $"installments sum to {installments}, total_amount is {row.TotalAmount}");
        }

        if (row.AppliedTotal != row.AmountPaid)
        {
            yield return new(row.TenantId, row.InvoiceId, InvariantRules.AmountPaidSum,
                $"amount_paid is {row.AmountPaid}, applied payments sum to {row.AppliedTotal}");
        }

        var overpayment = Math.Max(0, row.AmountPaid - row.TotalAmount);
        if (row.OverpaymentAmount != overpayment)
        {
            yield return new(row.TenantId, row.InvoiceId, InvariantRules.Overpayment,
                $"overpayment_amount is {row.OverpaymentAmount}, amount_paid {row.AmountPaid} − total {row.TotalAmount} gives {overpayment}");
        }

        var paidInFull = row.AmountPaid > 0 && row.AmountPaid >= row.TotalAmount;
        var agrees = row.Status switch
        {
            "fully_paid" => paidInFull,
            "partially_paid" => row.AmountPaid > 0 && row.AmountPaid < row.TotalAmount,
            "draft" or "pending" or "failed" => row.AmountPaid == 0,
            _ => !paidInFull,
        };
        if (!agrees)
        {
            yield return new(row.TenantId, row.InvoiceId, InvariantRules.StatusAmounts,
                $"status {row.Status} with amount_paid {row.AmountPaid} of total {row.TotalAmount}");
        }
    }

    private sealed record Row(
        Guid TenantId, Guid InvoiceId, string Status, long TotalAmount, long AmountPaid, long OverpaymentAmount, Instant UpdatedAt,
        long? InstallmentsTotal, long AppliedTotal);
}
