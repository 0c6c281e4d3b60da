using Dapper;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;

namespace PayTrust.Application.Features.Sandbox;

/// <summary>
/// What the sandbox checkout page shows for the session with this token (spec §7.3, ADR 12); null when no sandbox attempt
/// has it.
/// </summary>
public sealed record GetSandboxCheckout(string Token) : IQuery<SandboxCheckoutView?>;

public sealed record SandboxCheckoutView(
    string Token, string Reference, string InvoicePaymentReference, string? Description, int? InstallmentNumber, long Amount, string CurrencyCode,
    int CurrencyExponent, string Status, Instant ExpiresAt, string PaymentUrl)
{
    public bool IsOpen => Status == "pending";
}

internal sealed class GetSandboxCheckoutHandler(IDbSession session, IPlatformSettings platform) : IQueryHandler<GetSandboxCheckout, SandboxCheckoutView?>
{
    private const string Sql = """
        SELECT a.gateway_reference AS Token, a.reference AS Reference, i.payment_reference AS InvoicePaymentReference, i.description AS Description,
               a.installment_number AS InstallmentNumber, a.amount AS Amount, a.currency_code AS CurrencyCode, a.status AS Status,
               a.expires_at AS ExpiresAt, i.payment_token AS PaymentToken
        FROM payment_attempts a JOIN invoices i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id
        WHERE a.gateway = 'sandbox' AND a.gateway_reference = @Token
        """;

    public async ValueTask<SandboxCheckoutView?> Handle(GetSandboxCheckout query, CancellationToken cancellationToken)
    {
        if (!SandboxCheckoutToken.IsWellFormed(query.Token))
        {
            return null;
        }

        var connection = await session.GetConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Sql, new { query.Token }, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new SandboxCheckoutView(row.Token, row.Reference, row.InvoicePaymentReference, row.Description, row.InstallmentNumber, row.Amount, row.CurrencyCode,
                Domain.Monetary.Currency.Parse(row.CurrencyCode).Exponent, row.Status, row.ExpiresAt.ToInstantUtc(), platform.PaymentUrl(row.PaymentToken));
    }

    private sealed record Row(
        string Token, string Reference, string InvoicePaymentReference, string? Description, short? InstallmentNumber, long Amount, string CurrencyCode,
        string Status, DateTime ExpiresAt, string PaymentToken);
}
