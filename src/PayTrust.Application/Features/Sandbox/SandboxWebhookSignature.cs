using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace PayTrust.Application.Features.Sandbox;

/// <summary>
/// The sandbox's webhook signature (spec §7.3): <c>PayTrust-Signature: t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256(secret, "{t}.{raw body}")&gt;</c>,
/// accepted within 300 s of its timestamp. The receiving side (webhooks, a later issue) verifies with <see cref="Verify"/>.
/// </summary>
public static class SandboxWebhookSignature
{
    public const string HeaderName = "PayTrust-Signature";

    public static readonly Duration Tolerance = Duration.FromSeconds(300);

    public static string Sign(string secret, Instant timestamp, ReadOnlySpan<byte> body)
    {
        var seconds = timestamp.ToUnixTimeSeconds();
        return $"t={seconds.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Mac(secret, seconds, body))}";
    }

    /// <summary>True when the header is well formed, its time within the tolerance of <paramref name="now"/>, and a v1 signature matches (constant time).</summary>
    public static bool Verify(string secret, string? header, ReadOnlySpan<byte> body, Instant now)
    {
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }

        long? seconds = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            var separator = part.IndexOf('=');
            if (separator <= 0)
            {
                return false;
            }

            var (name, value) = (part[..separator], part[(separator + 1)..]);
            if (name == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                seconds = parsed;
            }
            else if (name == "v1" && value.Length == 64 && value.All(Uri.IsHexDigit))
            {
                signatures.Add(Convert.FromHexString(value));
            }
        }

        if (seconds is not { } t || signatures.Count == 0 || t > Instant.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        var age = now - Instant.FromUnixTimeSeconds(t);
        if (age > Tolerance || age < -Tolerance)
        {
            return false;
        }

        var expected = Mac(secret, t, body);
        var matched = false;
        foreach (var signature in signatures)
        {
            matched |= CryptographicOperations.FixedTimeEquals(signature, expected);
        }

        return matched;
    }

    private static byte[] Mac(string secret, long seconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(seconds.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
    }
}
