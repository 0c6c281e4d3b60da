using System.Text;
using System.Text.Json;
using FluentValidation;
using NodaTime;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;

namespace PayTrust.Application.Features.Invoices;

/// <summary>A line item as the client sends it. Nullable so a missing field is named, not silently zero.</summary>
public sealed record LineItemInput(string? ProductName, int? Quantity, long? UnitPrice, string? TaxRate, string? TaxCategory, string? CountryCode);

public sealed record InstallmentsInput(int Count, int? IntervalDays, IReadOnlyList<Instant>? DueDates, IReadOnlyList<long>? Amounts);

public sealed record CustomerInput(string? Name, string? Email, string? Phone);

/// <summary>The merchant-chosen terms a creation and a revision both carry, so one validator checks them for both.</summary>
public interface IInvoiceTermsInput
{
    string? Gateway { get; }

    string? Description { get; }

    JsonElement? Metadata { get; }

    CustomerInput? Customer { get; }

    IReadOnlyList<LineItemInput>? LineItems { get; }

    InstallmentsInput? Installments { get; }
}

/// <summary>Shape rules of <see cref="IInvoiceTermsInput"/>; line items may be absent here (a revision keeps them), a creation requires them itself.</summary>
internal sealed class InvoiceTermsValidator : AbstractValidator<IInvoiceTermsInput>
{
    public InvoiceTermsValidator()
    {
        RuleFor(c => c.Gateway).MaximumLength(32).WithErrorCode("invalid_gateway").WithMessage((_, code) => $"Invalid gateway: {code} not found");
        RuleFor(c => c.Description).ValidDescription();
        RuleFor(c => c.Metadata).ValidMetadata();
        this.Customer(c => c.Customer);
        RuleFor(c => c.LineItems).ValidLineItemCount(required: false);
        RuleForEach(c => c.LineItems).SetValidator(new LineItemInputValidator());
        this.Installments(c => c.Installments);
    }
}

/// <summary>
/// Shape rules shared by every command that carries invoice terms. Codes and messages are the spec's
/// (§1, §4, §5), so every failure reaches the client with the field it concerns; the domain enforces the
/// same invariants again.
/// </summary>
internal static class InvoiceInputRules
{
    public const int MaxExternalIdLength = 255;
    public const int MaxDescriptionLength = 1000;
    public const int MaxMetadataBytes = 4096;

    public static IRuleBuilderOptions<T, string?> ValidCurrency<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(code => Currency.TryParse(code, out _))
            .WithErrorCode("invalid_currency")
            .WithMessage((_, code) => $"Invalid currency code: {code} - must be a supported ISO 4217 code (IDR, MYR, USD)");

    /// <summary>1–100 lines; required on creation, optional on a revision.</summary>
    public static IRuleBuilderOptions<T, IReadOnlyList<LineItemInput>?> ValidLineItemCount<T>(this IRuleBuilder<T, IReadOnlyList<LineItemInput>?> rule, bool required) =>
        rule.Must(items => items is null ? !required : items.Count is >= 1 and <= InvoiceTerms.MaxLineItems)
            .WithErrorCode("invalid_line_items").WithMessage($"line_items must have 1 to {InvoiceTerms.MaxLineItems} items");

    public static void Installments<T>(this AbstractValidator<T> validator, System.Linq.Expressions.Expression<Func<T, InstallmentsInput?>> installments) =>
        validator.RuleFor(installments).SetValidator(new InstallmentsInputValidator()!);

    public static void Customer<T>(this AbstractValidator<T> validator, System.Linq.Expressions.Expression<Func<T, CustomerInput?>> customer) =>
        validator.RuleFor(customer).SetValidator(new CustomerInputValidator()!);

    public static IRuleBuilderOptions<T, JsonElement?> ValidMetadata<T>(this IRuleBuilder<T, JsonElement?> rule) =>
        rule.Must(metadata => metadata is null
                || metadata.Value.ValueKind == JsonValueKind.Null
                || (metadata.Value.ValueKind == JsonValueKind.Object && Encoding.UTF8.GetByteCount(metadata.Value.GetRawText()) <= MaxMetadataBytes))
            .WithErrorCode("invalid_metadata")
            .WithMessage($"metadata must be a JSON object of at most {MaxMetadataBytes} bytes");

    public static IRuleBuilderOptions<T, string?> ValidExternalId<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(id => id is null || id.Length is >= 1 and <= MaxExternalIdLength)
            .WithMessage($"external_id must be 1 to {MaxExternalIdLength} characters");

    public static IRuleBuilderOptions<T, string?> ValidDescription<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(MaxDescriptionLength).WithMessage($"description must be at most {MaxDescriptionLength} characters");
}

internal sealed class LineItemInputValidator : AbstractValidator<LineItemInput>
{
    public LineItemInputValidator()
    {
        var productName = $"product_name must be 1 to {LineItem.MaxProductNameLength} characters";
        RuleFor(l => l.ProductName).NotEmpty().WithMessage(productName).MaximumLength(LineItem.MaxProductNameLength).WithMessage(productName);
        var quantity = $"quantity must be between 1 and {LineItem.MaxQuantity}";
        RuleFor(l => l.Quantity).NotNull().WithMessage(quantity).InclusiveBetween(1, LineItem.MaxQuantity).WithMessage(quantity);
        RuleFor(l => l.UnitPrice).NotNull().WithMessage("unit_price is required")
            .InclusiveBetween(0, Money.MaxAmount).WithErrorCode("invalid_amount")
            .WithMessage((_, price) => $"Invalid amount: {price} - must be an integer from 0 to {Money.MaxAmount} in minor units");
        RuleFor(l => l.TaxRate).Must(BeValidRate).WithErrorCode("invalid_tax_rate")
            .WithMessage("Invalid tax_rate: must be between 0 and 1.0 with max 4 decimal places");
        RuleFor(l => l.TaxCategory).MaximumLength(64).WithMessage("tax_category must be at most 64 characters");
        RuleFor(l => l.CountryCode).Must(code => code is null || CountryCodes.IsAssigned(code)).WithErrorCode("invalid_country_code")
            .WithMessage((_, code) => $"Invalid country code: {code} - must be valid ISO 3166-1 alpha-2 code");
    }

    private static bool BeValidRate(string? rate)
    {
        if (rate is null)
        {
            return true;
        }

        try
        {
            TaxRate.Parse(rate);
            return true;
        }
        catch (PayTrust.Domain.Errors.PayTrustException)
        {
            return false;
        }
    }
}

internal sealed class InstallmentsInputValidator : AbstractValidator<InstallmentsInput>
{
    public InstallmentsInputValidator()
    {
        RuleFor(i => i.Count).InclusiveBetween(InstallmentPlan.MinCount, InstallmentPlan.MaxCount).WithErrorCode("invalid_installments")
            .WithMessage($"installments.count must be between {InstallmentPlan.MinCount} and {InstallmentPlan.MaxCount}");
        RuleFor(i => i.IntervalDays).InclusiveBetween(1, InstallmentPlan.MaxIntervalDays).When(i => i.IntervalDays is not null)
            .WithErrorCode("invalid_installments").WithMessage($"installments.interval_days must be between 1 and {InstallmentPlan.MaxIntervalDays}");
        RuleFor(i => i).Must(i => i.IntervalDays is null || i.DueDates is null).OverridePropertyName("due_dates")
            .WithErrorCode("invalid_installments").WithMessage("Give either installments.due_dates or installments.interval_days, not both");
        RuleForEach(i => i.Amounts).InclusiveBetween(1, Money.MaxAmount).WithErrorCode("installment_amount_too_small")
            .WithMessage($"Every installment amount must be from 1 to {Money.MaxAmount} minor units");
    }
}

internal sealed class CustomerInputValidator : AbstractValidator<CustomerInput>
{
    public CustomerInputValidator()
    {
        RuleFor(c => c.Name).MaximumLength(255).WithMessage("customer.name must be at most 255 characters");
        RuleFor(c => c.Email).MaximumLength(255).EmailAddress().When(c => c.Email is not null).WithMessage("customer.email must be an email address");
        RuleFor(c => c.Phone).MaximumLength(32).WithMessage("customer.phone must be at most 32 characters");
    }
}

/// <summary>Turns validated inputs into domain values.</summary>
internal static class InvoiceInputMapping
{
    public static IReadOnlyList<LineItem> ToLineItems(this IReadOnlyList<LineItemInput> lines, Currency currency) =>
        lines.Select(line => new LineItem(
            Guid.CreateVersion7(),
            line.ProductName!,
            line.Quantity!.Value,
            Money.Amount(line.UnitPrice!.Value, currency),
            line.TaxRate is null ? TaxRate.Zero : TaxRate.Parse(line.TaxRate),
            line.TaxCategory,
            line.CountryCode)).ToArray();

    public static InstallmentPlan ToPlan(this InstallmentsInput input) =>
        new(input.Count, input.Amounts, input.IntervalDays, input.DueDates);

    public static Customer? ToCustomer(this CustomerInput? input) =>
        input is null || (input.Name is null && input.Email is null && input.Phone is null) ? null : new Customer(input.Name, input.Email, input.Phone);

    public static string? ToMetadataText(this JsonElement? metadata) =>
        metadata is { ValueKind: JsonValueKind.Object } value ? value.GetRawText() : null;
}
