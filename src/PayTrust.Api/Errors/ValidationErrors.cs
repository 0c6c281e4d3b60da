using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation.Results;

namespace PayTrust.Api.Errors;

/// <summary>Validation failures keyed by the field as the client wrote it: <c>LineItems[0].TaxRate</c> → <c>line_items[0].tax_rate</c>.</summary>
internal static partial class ValidationErrors
{
    public static Dictionary<string, string[]> ToSnakeCaseFields(IEnumerable<ValidationFailure> failures) =>
        failures
            .GroupBy(failure => ToSnakeCase(failure.PropertyName))
            .ToDictionary(group => group.Key, group => group.Select(failure => failure.ErrorMessage).Distinct().ToArray());

    public static string ToSnakeCase(string propertyPath) =>
        FieldName().Replace(propertyPath, match => JsonNamingPolicy.SnakeCaseLower.ConvertName(match.Value));

    [GeneratedRegex("[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex FieldName();
}
