namespace PayTrust.Application.Abstractions;

/// <summary>Who is calling: set by authentication, read by handlers (tenant scoping) and the audit log.</summary>
public interface ICallerContext
{
    /// <summary>The authenticated tenant, or null for administration and anonymous calls.</summary>
    Guid? TenantId { get; }

    /// <summary>The API key the tenant authenticated with.</summary>
    Guid? ApiKeyId { get; }

    bool IsAdmin { get; }

    string? IpAddress { get; }

    /// <summary>How the audit log names the actor: "admin" or the key id.</summary>
    string Actor => IsAdmin ? "admin" : ApiKeyId?.ToString() ?? "anonymous";

    /// <summary>The tenant every query must filter by; refuses when there is none.</summary>
    Guid RequireTenant() => TenantId ?? throw new InvalidOperationException("This use case needs an authenticated tenant.");
}
