using Dapper;
using FluentValidation;
using Mediator;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Features.Invoices;
using PayTrust.Domain.Errors;
using PayTrust.Domain.Monetary;

namespace PayTrust.Application.Features.Routing;

/// <summary>
/// PUT /routing-rules (spec §3): the tenant's whole rule set, replaced at once. A rule without
/// payment_method is the tenant's default for the currency.
/// </summary>
public sealed record SetRoutingRules(IReadOnlyList<RoutingRuleInput>? Rules) : ICommand<RoutingRuleList>;

public sealed record RoutingRuleInput(string? CurrencyCode, string? PaymentMethod, string? Gateway);

public sealed record RoutingRuleView(string CurrencyCode, string? PaymentMethod, string Gateway);

public sealed record RoutingRuleList(IReadOnlyList<RoutingRuleView> Data);

internal sealed class SetRoutingRulesValidator : AbstractValidator<SetRoutingRules>
{
    public const int MaxRules = 100;

    public SetRoutingRulesValidator()
    {
        RuleFor(c => c.Rules).NotNull().WithMessage("rules is required (an empty list removes every rule)")
            .Must(rules => rules is null || rules.Count <= MaxRules).WithMessage($"At most {MaxRules} rules");
        RuleForEach(c => c.Rules).NotNull().WithMessage("rules may not contain null");
        RuleForEach(c => c.Rules).ChildRules(rule =>
        {
            rule.RuleFor(r => r.CurrencyCode).ValidCurrency();
            rule.RuleFor(r => r.PaymentMethod).Matches("^[a-z0-9_]{1,32}$").When(r => r.PaymentMethod is not null)
                .WithMessage("payment_method must be 1 to 32 lower-case letters, digits or underscores");
            rule.RuleFor(r => r.Gateway).NotEmpty().WithErrorCode("invalid_gateway").WithMessage("gateway is required");
        });
        RuleFor(c => c.Rules).Must(rules => rules is null || rules.Where(r => r is not null).GroupBy(r => (r.CurrencyCode, r.PaymentMethod)).All(g => g.Count() == 1))
            .WithErrorCode("duplicate_routing_rule").WithMessage("Each (currency_code, payment_method) may appear once");
    }
}

internal sealed class SetRoutingRulesHandler(IDbSession session, IGatewayCatalog gateways, GatewayRouter router, ICallerContext caller, IClock clock)
    : ICommandHandler<SetRoutingRules, RoutingRuleList>
{
    private const string DeleteSql = "DELETE FROM tenant_routing_rules WHERE tenant_id = @TenantId";

    private const string InsertSql = """
        INSERT INTO tenant_routing_rules (tenant_id, currency_code, payment_method, gateway_code, created_at)
        VALUES (@TenantId, @CurrencyCode, @PaymentMethod, @Gateway, @Now)
        """;

    public async ValueTask<RoutingRuleList> Handle(SetRoutingRules command, CancellationToken cancellationToken)
    {
        var tenantId = caller.RequireTenant();
        foreach (var rule in command.Rules!)
        {
            router.RequireOffered(rule.Gateway!);
            await gateways.RequireFeeRuleAsync(rule.Gateway!, Currency.Parse(rule.CurrencyCode), cancellationToken);
            await router.EnsureCredentialsAsync(tenantId, rule.Gateway!, cancellationToken);
        }

        var connection = await session.GetConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { TenantId = tenantId }, cancellationToken: cancellationToken));
        var now = clock.GetCurrentInstant();
        foreach (var rule in command.Rules!)
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
            {
                TenantId = tenantId,
                rule.CurrencyCode,
                PaymentMethod = rule.PaymentMethod ?? "",
                rule.Gateway,
                Now = now,
            }, cancellationToken: cancellationToken));
        }

        return await ListRoutingRulesHandler.ReadAsync(session, tenantId, cancellationToken);
    }
}
