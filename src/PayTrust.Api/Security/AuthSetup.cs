using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using PayTrust.Application.Abstractions;

namespace PayTrust.Api.Security;

public static class Schemes
{
    public const string ApiKey = "ApiKey";
    public const string Admin = "AdminKey";
}

public static class Policies
{
    public const string Tenant = "Tenant";
    public const string Admin = "Admin";

    /// <summary>Either: for operator views that show a tenant its own rows and the administrator everyone's.</summary>
    public const string TenantOrAdmin = "TenantOrAdmin";
}

public static class PayTrustClaims
{
    public const string TenantId = "paytrust:tenant_id";
    public const string ApiKeyId = "paytrust:api_key_id";
    public const string Admin = "paytrust:admin";
}

public static class AuthSetup
{
    /// <summary>Two schemes (tenant API key, admin key) and one policy for each; routes opt in by policy.</summary>
    public static IServiceCollection AddPayTrustAuth(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(Schemes.ApiKey, null)
            .AddScheme<AuthenticationSchemeOptions, AdminKeyAuthenticationHandler>(Schemes.Admin, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Tenant, policy => policy.AddAuthenticationSchemes(Schemes.ApiKey).RequireClaim(PayTrustClaims.TenantId))
            .AddPolicy(Policies.Admin, policy => policy.AddAuthenticationSchemes(Schemes.Admin).RequireClaim(PayTrustClaims.Admin))
            .AddPolicy(Policies.TenantOrAdmin, policy => policy.AddAuthenticationSchemes(Schemes.ApiKey, Schemes.Admin)
                .RequireAssertion(context => context.User.HasClaim(c => c.Type is PayTrustClaims.TenantId or PayTrustClaims.Admin)));
        services.AddHttpContextAccessor();
        services.AddScoped<ICallerContext, HttpCallerContext>();
        return services;
    }
}

/// <summary>The caller as authentication established it for this request.</summary>
internal sealed class HttpCallerContext(IHttpContextAccessor accessor) : ICallerContext
{
    private ClaimsPrincipal? User => accessor.HttpContext?.User;

    public Guid? TenantId => Guid.TryParse(User?.FindFirstValue(PayTrustClaims.TenantId), out var id) ? id : null;

    public Guid? ApiKeyId => Guid.TryParse(User?.FindFirstValue(PayTrustClaims.ApiKeyId), out var id) ? id : null;

    public bool IsAdmin => User?.HasClaim(c => c.Type == PayTrustClaims.Admin) == true;

    public string? IpAddress => accessor.HttpContext?.Connection.RemoteIpAddress?.ToString();
}
