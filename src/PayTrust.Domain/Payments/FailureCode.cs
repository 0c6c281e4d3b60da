namespace PayTrust.Domain.Payments;

/// <summary>The four kinds of payment failure (spec §7.6); the kind says what a caller may do next.</summary>
public enum FailureCategory
{
    /// <summary>Worth trying again later: the gateway or our database was briefly unavailable.</summary>
    Transient,
    /// <summary>Final for this attempt: the payment itself was refused.</summary>
    Permanent,
    /// <summary>The merchant's set-up is wrong: trying again changes nothing until it is fixed.</summary>
    Configuration,
    /// <summary>Our fault or a gateway answer we do not understand.</summary>
    Internal,
}

/// <summary>
/// The closed set of failure codes every payment path maps to (spec §7.6) — never a raw string or a
/// leaked exception. Only the instances below exist, so reference equality is value equality.
/// </summary>
public sealed class FailureCode
{
    public static readonly FailureCode GatewayTimeout = new("gateway_timeout", FailureCategory.Transient);
    public static readonly FailureCode GatewayUnavailable = new("gateway_unavailable", FailureCategory.Transient);
    public static readonly FailureCode RateLimitedByGateway = new("rate_limited_by_gateway", FailureCategory.Transient);
    public static readonly FailureCode DatabaseUnavailable = new("database_unavailable", FailureCategory.Transient);
    public static readonly FailureCode Declined = new("declined", FailureCategory.Permanent);
    public static readonly FailureCode InsufficientFunds = new("insufficient_funds", FailureCategory.Permanent);
    public static readonly FailureCode Expired = new("expired", FailureCategory.Permanent);
    public static readonly FailureCode CancelledByCustomer = new("cancelled_by_customer", FailureCategory.Permanent);
    public static readonly FailureCode FraudRejected = new("fraud_rejected", FailureCategory.Permanent);
    public static readonly FailureCode InvalidRequest = new("invalid_request", FailureCategory.Permanent);
    public static readonly FailureCode CredentialsMissing = new("credentials_missing", FailureCategory.Configuration);
    public static readonly FailureCode CredentialsInvalid = new("credentials_invalid", FailureCategory.Configuration);
    public static readonly FailureCode CurrencyNotSupported = new("currency_not_supported", FailureCategory.Configuration);
    public static readonly FailureCode MethodNotSupported = new("method_not_supported", FailureCategory.Configuration);
    public static readonly FailureCode UnexpectedGatewayResponse = new("unexpected_gateway_response", FailureCategory.Internal);
    public static readonly FailureCode InternalError = new("internal_error", FailureCategory.Internal);

    public static IReadOnlyList<FailureCode> All { get; } =
    [
        GatewayTimeout, GatewayUnavailable, RateLimitedByGateway, DatabaseUnavailable,
        Declined, InsufficientFunds, Expired, CancelledByCustomer, FraudRejected, InvalidRequest,
        CredentialsMissing, CredentialsInvalid, CurrencyNotSupported, MethodNotSupported,
        UnexpectedGatewayResponse, InternalError,
    ];

    private FailureCode(string code, FailureCategory category)
    {
        Code = code;
        Category = category;
    }

    /// <summary>The stable snake_case code that logs, metrics, stored attempts and API answers carry.</summary>
    public string Code { get; }

    public FailureCategory Category { get; }

    /// <summary>Only transient failures are worth retrying, and never for a payment creation (spec §7.2).</summary>
    public bool IsTransient => Category == FailureCategory.Transient;

    /// <summary>A stored code read back; anything outside the set is a programming error, not a new code.</summary>
    public static FailureCode Parse(string code) =>
        All.FirstOrDefault(candidate => candidate.Code == code)
        ?? throw new ArgumentOutOfRangeException(nameof(code), code, "Not a failure code of spec §7.6.");

    public override string ToString() => Code;
}
