using Dapper;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Invoices;

namespace PayTrust.Application.Features.Payments;

/// <summary>One invoice's rows (spec §7.8): <c>{ data }</c>, oldest first, no paging.</summary>
public sealed record InvoiceRowList<T>(IReadOnlyList<T> Data);

/// <summary>What the per-invoice payment queries share: the tenant check and the row cap.</summary>
internal static class InvoicePaymentQueries
{
    /// <summary>
    /// An invoice has a handful of attempts, payments, discrepancies and refunds; the cap only keeps a pathological
    /// one (a script recording thousands of payments) from making one answer unbounded. The oldest rows are returned.
    /// </summary>
    public const int MaxRows = 1000;

    /// <summary>
    /// Runs <c>SELECT COUNT(*) FROM invoices WHERE tenant_id = @TenantId AND id = @InvoiceId;</c> and then
    /// <paramref name="rowsSql"/> in one round trip: no such invoice for this tenant is 404, exactly as if
    /// the invoice did not exist.
    /// </summary>
    public static async Task<SqlMapper.GridReader> ReadOwnedAsync(
        IDbSession session, Guid tenantId, Guid invoiceId, string rowsSql, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        var results = await connection.QueryMultipleAsync(new CommandDefinition(
            $"SELECT COUNT(*) FROM invoices WHERE tenant_id = @TenantId AND id = @InvoiceId;\n{rowsSql}",
            new { TenantId = tenantId, InvoiceId = invoiceId, Limit = MaxRows },
            cancellationToken: cancellationToken));
        if (await results.ReadSingleAsync<long>() == 0)
        {
            await results.DisposeAsync();
            throw InvoiceSupport.NotFound(invoiceId);
        }

        return results;
    }
}
