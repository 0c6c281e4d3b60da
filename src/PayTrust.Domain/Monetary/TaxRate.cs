using System.Globalization;
using PayTrust.Domain.Errors;

namespace PayTrust.Domain.Monetary;

/// <summary>
/// A tax (or fee) rate: a decimal 0 ≤ r ≤ 1 with at most four decimal places. Parsed from text
/// exactly, never through binary floating point, so 0.11 is 0.11 and not 0.10999999999999999.
/// </summary>
public readonly record struct TaxRate
{
    public const int MaxDecimalPlaces = 4;

    /// <summary>Rates above this are accepted but worth a warning (spec §1).</summary>
    public static readonly decimal HighRateThreshold = 0.27m;

    private TaxRate(decimal value) => Value = value;

    public decimal Value { get; }

    public bool IsHigh => Value > HighRateThreshold;

    public static TaxRate Zero { get; } = new(0m);

    public static TaxRate Of(decimal value) =>
        IsValid(value) ? new TaxRate(value) : throw Invalid();

    /// <summary>Parses a plain decimal such as "0.11" (no exponent, no sign, invariant culture).</summary>
    public static TaxRate Parse(string? text) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? Of(value)
            : throw Invalid();

    public Money ApplyTo(Money amount) => amount.MultiplyBy(Value);

    /// <summary>The rate in its shortest exact form, e.g. "0.11" or "0.0725".</summary>
    public override string ToString() => Value.ToString("0.####", CultureInfo.InvariantCulture);

    private static bool IsValid(decimal value) =>
        value is >= 0m and <= 1m && decimal.Round(value, MaxDecimalPlaces) == value;

    private static PayTrustException Invalid() =>
        new(ErrorKind.InvalidInput, "invalid_tax_rate", "Invalid tax_rate: must be between 0 and 1.0 with max 4 decimal places");
}
