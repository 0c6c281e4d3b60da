namespace PayTrust.Application.Abstractions;

/// <summary>Making and hashing API keys; the plaintext exists only in the response that shows it once.</summary>
public interface IApiKeyHasher
{
    /// <summary>A new key: "ptk_" + 64 lowercase hex characters (256 random bits).</summary>
    string NewKey();

    /// <summary>HMAC-SHA256(pepper, key): what the database stores.</summary>
    byte[] Hash(string apiKey);

    /// <summary>"ptk_" and the first 8 hex digits: enough to tell keys apart in listings.</summary>
    string DisplayPrefix(string apiKey);

    bool IsWellFormed(string? apiKey);
}

/// <summary>Answers "which tenant does this key belong to, and is it active now" — fast, cached briefly.</summary>
public interface IApiKeyAuthenticator
{
    ValueTask<ApiKeyCheck> AuthenticateAsync(string presentedKey, string? ipAddress, CancellationToken cancellationToken);

    /// <summary>Drops a key from this instance's cache at once (other instances follow within the cache lifetime).</summary>
    void Forget(Guid apiKeyId);
}

public enum ApiKeyOutcome
{
    Valid,
    Malformed,
    Unknown,
    /// <summary>Known, but revoked or past its rotation grace period.</summary>
    Inactive,
}

public sealed record ApiKeyCheck(ApiKeyOutcome Outcome, Guid? TenantId = null, Guid? ApiKeyId = null);
