using Dapper;
using Mediator;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Invoices;

namespace PayTrust.Application.Features.Payments;

/// <summary>GET /invoices/{id}/overpayment (spec §7.8): what was paid beyond the invoice's total.</summary>
public sealed record GetInvoiceOverpayment(Guid InvoiceId) : IQuery<OverpaymentView>;

/// <summary><see cref="TotalPaid"/> is the applied money (the invoice's amount_paid); the overpayment is what exceeds the total.</summary>
public sealed record OverpaymentView(Guid InvoiceId, long TotalAmount, long TotalPaid, long OverpaymentAmount, string CurrencyCode);

internal sealed class GetInvoiceOverpaymentHandler(IDbSession session, ICallerContext caller) : IQueryHandler<GetInvoiceOverpayment, OverpaymentView>
{
    private const string Sql = """
        SELECT id AS InvoiceId, total_amount AS TotalAmount, amount_paid AS TotalPaid, overpayment_amount AS OverpaymentAmount,
               currency_code AS CurrencyCode
        FROM invoices WHERE tenant_id = @TenantId AND id = @InvoiceId
        """;

    public async ValueTask<OverpaymentView> Handle(GetInvoiceOverpayment query, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<OverpaymentView>(new CommandDefinition(
                Sql, new { TenantId = caller.RequireTenant(), query.InvoiceId }, cancellationToken: cancellationToken))
            ?? throw InvoiceSupport.NotFound(query.InvoiceId);
    }
}
