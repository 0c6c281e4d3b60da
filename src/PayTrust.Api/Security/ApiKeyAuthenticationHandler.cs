using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PayTrust.Application.Abstractions;

namespace PayTrust.Api.Security;

/// <summary>
/// Tenant authentication by <c>X-API-Key</c>. Missing → 401 <c>missing_api_key</c>; malformed, unknown,
/// revoked or rotated out → 401 <c>invalid_api_key</c>, with no hint which.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IApiKeyAuthenticator authenticator)
    : HeaderKeyAuthenticationHandler(options, logger, encoder)
{
    protected override string HeaderName => "X-API-Key";

    protected override (string Code, string Detail) Missing => ("missing_api_key", "This endpoint needs an API key in the X-API-Key header.");

    protected override (string Code, string Detail) Invalid => ("invalid_api_key", "The API key is not valid.");

    protected override async Task<AuthenticateResult> AuthenticateKeyAsync(string presentedKey)
    {
        var check = await authenticator.AuthenticateAsync(presentedKey, Context.Connection.RemoteIpAddress?.ToString(), Context.RequestAborted);
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
}
