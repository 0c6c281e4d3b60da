namespace PayTrust.Application.Abstractions;

/// <summary>Authenticated encryption for gateway secrets at rest (AES-GCM under a key from configuration).</summary>
public interface ICredentialProtector
{
    /// <summary>Encrypts; <paramref name="associatedData"/> is bound to the result and must be given again to decrypt.</summary>
    byte[] Protect(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData);

    /// <summary>Decrypts and checks integrity; throws when the blob, the key or the associated data do not match.</summary>
    byte[] Unprotect(ReadOnlySpan<byte> protectedData, ReadOnlySpan<byte> associatedData);
}
