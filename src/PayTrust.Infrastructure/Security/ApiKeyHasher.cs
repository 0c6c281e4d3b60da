using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using PayTrust.Application.Abstractions;

namespace PayTrust.Infrastructure.Security;

/// <summary>
/// API keys are 256-bit random tokens, so a keyed hash (HMAC-SHA256 with a server-side pepper) is the
/// right storage: a database dump alone cannot verify a guess, and checking costs microseconds, not the
/// milliseconds a password hash like Argon2 would add to every request.
/// </summary>
public sealed class ApiKeyHasher(byte[] pepper) : IApiKeyHasher
{
    public const string KeyPrefix = "ptk_";
    private const int HexLength = 64;
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    public byte[] Hash(string apiKey) => HMACSHA256.HashData(pepper, Encoding.UTF8.GetBytes(apiKey));

    public string NewKey() => KeyPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(HexLength / 2));

    public string DisplayPrefix(string apiKey) => apiKey[..Math.Min(apiKey.Length, KeyPrefix.Length + 8)];

    public bool IsWellFormed(string? apiKey) =>
        apiKey is { Length: 68 }
        && apiKey.StartsWith(KeyPrefix, StringComparison.Ordinal)
        && !apiKey.AsSpan(KeyPrefix.Length).ContainsAnyExcept(LowerHex);
}
