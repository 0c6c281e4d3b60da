using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PayTrust.Api.Errors;

namespace PayTrust.Api.Security;

/// <summary>
/// What the two key schemes share: the key comes in one header; no header means "no result" (another
/// scheme or a 401 "missing" challenge), more than one value is a failure, and the challenge answers
/// problem+json telling "missing" from "invalid" — never why a key is invalid.
/// </summary>
internal abstract class HeaderKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected abstract string HeaderName { get; }

    protected abstract (string Code, string Detail) Missing { get; }

    protected abstract (string Code, string Detail) Invalid { get; }

    protected sealed override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var values = Request.Headers[HeaderName];
        if (IsMissing())
        {
            return AuthenticateResult.NoResult();
        }

        return values.Count > 1
            ? AuthenticateResult.Fail($"more than one {HeaderName} header")
            : await AuthenticateKeyAsync(values[0]!);
    }

    /// <summary>Checks the one presented key.</summary>
    protected abstract Task<AuthenticateResult> AuthenticateKeyAsync(string presentedKey);

    protected sealed override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var (code, detail) = IsMissing() ? Missing : Invalid;
        return ProblemResponses.WriteAsync(Context, StatusCodes.Status401Unauthorized, code, "Unauthorized", detail);
    }

    private bool IsMissing() => string.IsNullOrEmpty(Request.Headers[HeaderName].FirstOrDefault());
}
