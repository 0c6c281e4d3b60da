using System.Buffers;
using System.Security.Cryptography;

namespace PayTrust.Domain.Invoices;

/// <summary>
/// The reference a customer types into a bank transfer (spec §3 bank_transfer): "PT", eight symbols
/// and a check symbol, e.g. <c>PT7KQ2MX9RC</c>. The alphabet leaves out 0/O, 1/I/L so nothing reads as
/// something else. It has 31 symbols, a prime, so a check over Σ position × value modulo 31 (positions
/// 1–9, the check symbol included) catches every single mistyped symbol and every swap of two
/// neighbours: either changes the sum by a product of two non-zero numbers below 31, never a multiple
/// of 31. (Luhn mod N, the usual choice, misses some of both when N is odd.)
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

    // Weights 1..8 on the body and 9 on the check symbol c: Σ i·v_i + 9·c ≡ 0 (mod 31). 7 is 9's inverse mod 31.
    internal static char CheckSymbol(ReadOnlySpan<char> body)
    {
        var n = Alphabet.Length;
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            sum += (i + 1) * Alphabet.IndexOf(body[i], StringComparison.Ordinal);
        }

        return Alphabet[(n - (sum % n)) * 7 % n];
    }
}
