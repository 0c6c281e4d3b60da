using System.Buffers;
using System.Security.Cryptography;

namespace PayTrust.Domain.Invoices;

/// <summary>
/// The reference a customer types into a bank transfer (spec §3 bank_transfer): "PT", eight symbols
/// and a check symbol, e.g. <c>PT7KQ2MX9RC</c>. The alphabet leaves out 0/O, 1/I/L so nothing reads as
/// something else; the check symbol (Luhn mod 31) catches every single mistyped symbol and every swap
/// of two neighbours, so a mistyped reference is refused instead of matching another invoice.
/// </summary>
public static class PaymentReference
{
    public const string Prefix = "PT";
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    public const int BodyLength = 8;
    public const int Length = 2 + BodyLength + 1;

    private static readonly SearchValues<char> Symbols = SearchValues.Create(Alphabet);

    public static string New()
    {
        Span<char> body = stackalloc char[BodyLength];
        for (var i = 0; i < BodyLength; i++)
        {
            body[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return Prefix + new string(body) + CheckSymbol(body);
    }

    /// <summary>Well formed: the prefix, symbols from the alphabet and a matching check symbol. Case-insensitive.</summary>
    public static bool IsWellFormed(string? reference)
    {
        if (reference is not { Length: Length })
        {
            return false;
        }

        var upper = reference.ToUpperInvariant();
        if (!upper.StartsWith(Prefix, StringComparison.Ordinal) || upper.AsSpan(2).IndexOfAnyExcept(Symbols) >= 0)
        {
            return false;
        }

        return CheckSymbol(upper.AsSpan(2, BodyLength)) == upper[^1];
    }

    // Luhn mod N: double every second code point from the right, fold, and pick the symbol that brings the sum to 0 mod N.
    internal static char CheckSymbol(ReadOnlySpan<char> body)
    {
        var n = Alphabet.Length;
        var factor = 2;
        var sum = 0;
        for (var i = body.Length - 1; i >= 0; i--)
        {
            var addend = factor * Alphabet.IndexOf(body[i], StringComparison.Ordinal);
            factor = factor == 2 ? 1 : 2;
            sum += (addend / n) + (addend % n);
        }

        return Alphabet[(n - (sum % n)) % n];
    }
}
