using System.Security.Cryptography;
using PayTrust.Application.Abstractions;

namespace PayTrust.Infrastructure.Security;

/// <summary>
/// AES-256-GCM with a random 96-bit nonce per blob. Layout: version (1 byte) | nonce (12) | tag (16) |
/// ciphertext. The version byte leaves room for key rotation without guessing at old blobs.
/// </summary>
internal sealed class AesGcmCredentialProtector(byte[] key) : ICredentialProtector
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + NonceSize + TagSize;

    public byte[] Protect(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var blob = new byte[HeaderSize + plaintext.Length];
        blob[0] = Version;
        var nonce = blob.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, blob.AsSpan(HeaderSize), blob.AsSpan(1 + NonceSize, TagSize), associatedData);
        return blob;
    }

    public byte[] Unprotect(ReadOnlySpan<byte> protectedData, ReadOnlySpan<byte> associatedData)
    {
        if (protectedData.Length < HeaderSize || protectedData[0] != Version)
        {
            throw new CryptographicException("Not a PayTrust credential blob.");
        }

        var plaintext = new byte[protectedData.Length - HeaderSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(protectedData.Slice(1, NonceSize), protectedData[HeaderSize..], protectedData.Slice(1 + NonceSize, TagSize), plaintext, associatedData);
        return plaintext;
    }
}

/// <summary>The credentials key: PayTrust:CredentialsKey, 32 bytes in base64. Development falls back to a fixed key.</summary>
public static class CredentialsKey
{
    public const string ConfigurationName = "PayTrust:CredentialsKey";
    public const string EnvironmentName = "PayTrust__CredentialsKey";

    /// <summary>For local development only; anywhere else the service refuses to start without a real key.</summary>
    private static readonly byte[] DevelopmentKey = SHA256.HashData("paytrust-development-credentials-key-not-for-production"u8);

    /// <returns>null when usable, else why not (never the key itself).</returns>
    public static string? Problem(string? configured, bool isDevelopment)
    {
        if (string.IsNullOrEmpty(configured))
        {
            return isDevelopment
                ? null
                : $"{ConfigurationName} (environment {EnvironmentName}) is not set; set it to 32 random bytes in base64 (./build.sh run generates one).";
        }

        return TryDecode(configured, out _) ? null : $"{ConfigurationName} must be 32 bytes in base64 (44 characters).";
    }

    /// <summary>The protector for this host: its key from configuration, development decided by the host's environment setting.</summary>
    public static ICredentialProtector CreateProtector(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new AesGcmCredentialProtector(Resolve(configuration[ConfigurationName], HostEnvironment.IsDevelopment(configuration)));
    }

    public static byte[] Resolve(string? configured, bool isDevelopment)
    {
        if (string.IsNullOrEmpty(configured) && isDevelopment)
        {
            return DevelopmentKey;
        }

        return TryDecode(configured, out var key) ? key : throw new InvalidOperationException(Problem(configured, isDevelopment));
    }

    private static bool TryDecode(string? text, out byte[] key)
    {
        key = [];
        Span<byte> buffer = stackalloc byte[32];
        if (text is null || !Convert.TryFromBase64String(text, buffer, out var written) || written != 32)
        {
            return false;
        }

        key = buffer.ToArray();
        return true;
    }
}
