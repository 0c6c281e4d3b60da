using Microsoft.Extensions.Configuration;

namespace PayTrust.Infrastructure;

/// <summary>
/// The host's environment as configuration carries it ("environment", which the web host fills from ASPNETCORE_ENVIRONMENT
/// or UseEnvironment). Infrastructure's fail-safe defaults ask it whether they run in Development, where a missing secret
/// may fall back to a built-in value and the sandbox is on; everywhere else they may not.
/// </summary>
public static class HostEnvironment
{
    public static bool IsDevelopment(IConfiguration configuration) =>
        string.Equals(configuration?["environment"], "Development", StringComparison.OrdinalIgnoreCase);
}
