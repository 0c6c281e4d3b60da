using System.Security.Cryptography;
using System.Text;

namespace PayTrust.Infrastructure.Security;

/// <summary>
/// API keys are 256-bit random tokens, so a keyed hash (HMAC-SHA256 with a server-side pepper) is the
/// right storage: a database dump alone cannot verify a guess, and checking costs microseconds, not the
/// milliseconds a password hash like Argon2 would add to every request.
/// </summary>
public sealed class ApiKeyHasher(byte[] pepper)
{
    public const string KeyPrefix = "ptk_";
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    public byte[] Hash(string apiKey) => HMACSHA256.HashData(pepper, Encoding.UTF8.GetBytes(apiKey));

    /// <summary>A new key: "ptk_" + 64 lowercase hex characters.</summary>
    public static string NewKey() => KeyPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>What is shown in listings so people can tell keys apart: "ptk_" and the first 8 hex digits.</summary>
    public static string DisplayPrefix(string apiKey) => apiKey[..Math.Min(apiKey.Length, KeyPrefix.Length + 8)];

    public static bool IsWellFormed(string? apiKey) =>
        apiKey is { Length: 68 }
        && apiKey.StartsWith(KeyPrefix, StringComparison.Ordinal)
        && apiKey.AsSpan(KeyPrefix.Length).ContainsAnyExcept(LowerHex) == false;
}
