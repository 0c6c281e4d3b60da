using PayTrust.Domain.Errors;

namespace PayTrust.Domain.Monetary;

/// <summary>
/// A supported ISO 4217 currency and its exponent (digits of the minor unit). Only the three
/// instances below exist, so reference equality is value equality.
/// </summary>
public sealed class Currency
{
    public static readonly Currency IDR = new("IDR", 0);
    public static readonly Currency MYR = new("MYR", 2);
    public static readonly Currency USD = new("USD", 2);

    public static IReadOnlyList<Currency> All { get; } = [IDR, MYR, USD];

    private Currency(string code, int exponent)
    {
        Code = code;
        Exponent = exponent;
    }

    public string Code { get; }

    /// <summary>Number of decimal digits of the minor unit: 0 for IDR, 2 for MYR and USD.</summary>
    public int Exponent { get; }

    /// <summary>Parses an ISO 4217 code exactly as written (upper case), or refuses with <c>invalid_currency</c>.</summary>
    public static Currency Parse(string? code) =>
        TryParse(code, out var currency)
            ? currency
            : throw new PayTrustException(
                ErrorKind.InvalidInput,
                "invalid_currency",
                $"Invalid currency code: {code} - must be a supported ISO 4217 code (IDR, MYR, USD)");

    public static bool TryParse(string? code, out Currency currency)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Code, code, StringComparison.Ordinal))
            {
                currency = candidate;
                return true;
            }
        }

        currency = IDR;
        return false;
    }

    public override string ToString() => Code;
}
