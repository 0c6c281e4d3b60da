using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PayTrust.Api.Errors;
using PayTrust.Application.Abstractions;

namespace PayTrust.Api.Security;

/// <summary>
/// Tenant authentication by <c>X-API-Key</c>. Missing → 401 <c>missing_api_key</c>; malformed, unknown,
/// revoked or rotated out → 401 <c>invalid_api_key</c>, with no hint which.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IApiKeyAuthenticator authenticator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string HeaderName = "X-API-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var values = Request.Headers[HeaderName];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return AuthenticateResult.NoResult();
        }

        if (values.Count > 1)
        {
            return AuthenticateResult.Fail("more than one API key");
        }

        var check = await authenticator.AuthenticateAsync(values[0]!, Context.Connection.RemoteIpAddress?.ToString(), Context.RequestAborted);
        if (check.Outcome != ApiKeyOutcome.Valid)
        {
            Logger.LogInformation("API key refused: {Outcome}", check.Outcome);
            return AuthenticateResult.Fail("invalid API key");
        }

        var identity = new ClaimsIdentity(
            [new Claim(PayTrustClaims.TenantId, check.TenantId!.Value.ToString()), new Claim(PayTrustClaims.ApiKeyId, check.ApiKeyId!.Value.ToString())],
            Schemes.ApiKey);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Schemes.ApiKey));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var missing = Request.Headers[HeaderName].Count == 0 || string.IsNullOrEmpty(Request.Headers[HeaderName][0]);
        await ProblemResponses.WriteAsync(Context, StatusCodes.Status401Unauthorized,
            missing ? "missing_api_key" : "invalid_api_key",
            "Unauthorized",
            missing ? "This endpoint needs an API key in the X-API-Key header." : "The API key is not valid.");
    }
}
