using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PayTrust.Api.Errors;

namespace PayTrust.Api.Security;

/// <summary>Administration by <c>X-Admin-Key</c>, compared in constant time with ADMIN_API_KEY.</summary>
internal sealed class AdminKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IConfiguration configuration)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string HeaderName = "X-Admin-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[HeaderName];
        if (presented.Count == 0 || string.IsNullOrEmpty(presented[0]))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (presented.Count > 1 || !MatchesConfiguredKey(presented[0]!))
        {
            Logger.LogWarning("Administration request with a wrong admin key from {IpAddress}", Context.Connection.RemoteIpAddress);
            return Task.FromResult(AuthenticateResult.Fail("invalid admin key"));
        }

        var identity = new ClaimsIdentity([new Claim(PayTrustClaims.Admin, "true")], Schemes.Admin);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Schemes.Admin)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var missing = Request.Headers[HeaderName].Count == 0 || string.IsNullOrEmpty(Request.Headers[HeaderName][0]);
        await ProblemResponses.WriteAsync(Context, StatusCodes.Status401Unauthorized,
            missing ? "missing_admin_key" : "invalid_admin_key",
            "Unauthorized",
            missing ? "This endpoint needs the administration key in the X-Admin-Key header." : "The administration key is not valid.");
    }

    // Hashing both sides first makes the comparison constant-time in the length as well as the content.
    private bool MatchesConfiguredKey(string presented) =>
        configuration[AdminKey.ConfigurationName] is { } expected
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
