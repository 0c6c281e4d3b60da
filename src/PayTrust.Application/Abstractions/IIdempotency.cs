using NodaTime;

namespace PayTrust.Application.Abstractions;

/// <summary>
/// The Idempotency-Key of the current request (scoped), filled in by the host for mutating requests
/// that carry one. <see cref="Scope"/> is the tenant id, or "admin" for administration.
/// </summary>
public sealed class IdempotencyRequest
{
    public string? Scope { get; private set; }

    public string? Key { get; private set; }

    public byte[] Fingerprint { get; private set; } = [];

    /// <summary>This request's claim on the key is held (so a transaction retry does not trip over it).</summary>
    public bool Claimed { get; set; }

    /// <summary>The response was replayed from an earlier request with the same key.</summary>
    public bool Replayed { get; set; }

    public bool IsPresent => Key is not null;

    public void Set(string scope, string key, byte[] fingerprint)
    {
        Scope = scope;
        Key = key;
        Fingerprint = fingerprint;
    }
}

/// <summary>Commands whose response shows a secret once (a new API key) cannot be replayed, so they refuse Idempotency-Key.</summary>
public interface IShowsSecretOnce;

public enum ClaimOutcome
{
    Claimed,
    Completed,
    InUse,
    FingerprintMismatch,
}

public sealed record IdempotencyClaim(ClaimOutcome Outcome, string? ResponseKind = null, string? Response = null);

/// <summary>Where idempotency keys live: the database, so every instance sees the same keys.</summary>
public interface IIdempotencyStore
{
    /// <summary>Claims the key in its own committed statement, so a concurrent duplicate sees it at once.</summary>
    Task<IdempotencyClaim> ClaimAsync(IdempotencyRequest request, Instant now, CancellationToken cancellationToken);

    /// <summary>Stores the response inside the current command transaction: effect and record commit together.</summary>
    Task CompleteInTransactionAsync(IdempotencyRequest request, string responseKind, string response, CancellationToken cancellationToken);

    /// <summary>Stores a refusal (4xx) on its own: the command's transaction rolled back, there is nothing to join.</summary>
    Task CompleteAloneAsync(IdempotencyRequest request, string responseKind, string response, CancellationToken cancellationToken);

    /// <summary>Gives the key up after a failure that must not be replayed (5xx), so a retry runs afresh.</summary>
    Task ReleaseAsync(IdempotencyRequest request, CancellationToken cancellationToken);

    /// <summary>Removes keys past their retention; returns how many.</summary>
    Task<int> DeleteExpiredAsync(Instant now, CancellationToken cancellationToken);
}
