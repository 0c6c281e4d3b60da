namespace PayTrust.Domain.Payments;

/// <summary>The three ways anything a rail does can end (spec §3, §7.6).</summary>
public enum RailOutcome
{
    /// <summary>Done: a checkout session is open, a payment is confirmed, a session is expired.</summary>
    Succeeded,
    /// <summary>Accepted but not final: money may still arrive (a transfer awaited, a payment under review).</summary>
    Pending,
    /// <summary>Did not happen; <see cref="RailResult{T}.Failure"/> says why, from the closed set.</summary>
    Failed,
}

/// <summary>
/// What a rail or gateway call returns instead of throwing: succeeded or pending with a value, or failed
/// with a §7.6 failure code and a short detail for logs (never a secret, never a raw payload).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000:Do not declare static members on generic types",
    Justification = "RailResult<CheckoutSession>.Failed(...) reads as what it is; a non-generic factory would need the type argument anyway when failing.")]
public sealed record RailResult<T>
{
    private RailResult(RailOutcome outcome, T? value, FailureCode? failure, string? detail)
    {
        Outcome = outcome;
        Value = value;
        Failure = failure;
        Detail = detail;
    }

    public RailOutcome Outcome { get; }

    public T? Value { get; }

    public FailureCode? Failure { get; }

    public string? Detail { get; }

    public bool IsFailed => Outcome == RailOutcome.Failed;

    public static RailResult<T> Succeeded(T value) => new(RailOutcome.Succeeded, value, null, null);

    public static RailResult<T> Pending(T value) => new(RailOutcome.Pending, value, null, null);

    public static RailResult<T> Failed(FailureCode failure, string detail) => new(RailOutcome.Failed, default, failure, detail);
}
