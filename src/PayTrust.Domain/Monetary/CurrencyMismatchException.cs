using PayTrust.Domain.Errors;

namespace PayTrust.Domain.Monetary;

/// <summary>
/// Money of two currencies met. Inside the domain this is a programming error; edges validate
/// currencies first, so if one ever escapes it is reported as a business-rule refusal, never as a sum.
/// </summary>
public sealed class CurrencyMismatchException(Currency left, Currency right)
    : PayTrustException(
        ErrorKind.BusinessRule,
        "currency_mismatch",
        $"Currency mismatch: {left.Code} and {right.Code} cannot be combined")
{
    public Currency Left { get; } = left;

    public Currency Right { get; } = right;
}
