namespace PayTrust.Domain.Errors;

/// <summary>What sort of refusal an error is; the API maps each kind to one HTTP status.</summary>
public enum ErrorKind
{
    /// <summary>The input is malformed or out of range (400).</summary>
    InvalidInput,
    /// <summary>The resource does not exist for this caller (404).</summary>
    NotFound,
    /// <summary>The request conflicts with the current state (409).</summary>
    Conflict,
    /// <summary>Well-formed, but a business rule refuses it (422).</summary>
    BusinessRule,
    /// <summary>A dependency is unavailable; retrying later is safe (503).</summary>
    Unavailable,
    /// <summary>A payment gateway refused or failed the call; the code names the §7.6 failure (502).</summary>
    Gateway,
    /// <summary>The caller could not be authenticated, e.g. a webhook whose signature does not verify (401).</summary>
    Unauthenticated,
}

/// <summary>
/// Every refusal PayTrust makes carries a stable snake_case <see cref="Code"/> that clients branch on,
/// and a human message that may be reworded. One exception handler turns these into problem+json.
/// </summary>
public class PayTrustException : Exception
{
    public PayTrustException(ErrorKind kind, string code, string message)
        : base(message)
    {
        Kind = kind;
        Code = code;
    }

    public PayTrustException(ErrorKind kind, string code, string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = kind;
        Code = code;
    }

    public ErrorKind Kind { get; }

    public string Code { get; }

    /// <summary>
    /// A refusal of what the client asked (4xx): stored for Idempotency-Key replays and logged as information.
    /// A dependency's failure (503, 502) is not: the request may succeed when retried.
    /// </summary>
    public bool IsClientRefusal => Kind is not (ErrorKind.Unavailable or ErrorKind.Gateway);
}
