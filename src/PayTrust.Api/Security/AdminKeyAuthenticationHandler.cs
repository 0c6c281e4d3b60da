using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace PayTrust.Api.Security;

/// <summary>Administration by <c>X-Admin-Key</c>, compared in constant time with ADMIN_API_KEY.</summary>
internal sealed class AdminKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IConfiguration configuration)
    : HeaderKeyAuthenticationHandler(options, logger, encoder)
{
    protected override string HeaderName => "X-Admin-Key";

    protected override (string Code, string Detail) Missing => ("missing_admin_key", "This endpoint needs the administration key in the X-Admin-Key header.");

    protected override (string Code, string Detail) Invalid => ("invalid_admin_key", "The administration key is not valid.");

    protected override Task<AuthenticateResult> AuthenticateKeyAsync(string presentedKey)
    {
        if (!MatchesConfiguredKey(presentedKey))
        {
            Logger.LogWarning("Administration request with a wrong admin key from {IpAddress}", Context.Connection.RemoteIpAddress);
            return Task.FromResult(AuthenticateResult.Fail("invalid admin key"));
        }

        var identity = new ClaimsIdentity([new Claim(PayTrustClaims.Admin, "true")], Schemes.Admin);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Schemes.Admin)));
    }

    // Hashing both sides first makes the comparison constant-time in the length as well as the content.
    private bool MatchesConfiguredKey(string presented) =>
        configuration[AdminKey.ConfigurationName] is { } expected
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
