using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace PayTrust.Api.Hosting;

/// <summary>
/// X-Forwarded-For is believed only from the proxies the operator lists in <c>PayTrust:ForwardedHeaders:KnownProxies</c>
/// (addresses or CIDR networks, comma-separated). Without the list the header is ignored: anyone can send it, and the
/// per-address throttles (ADR 28) would count whatever address a client chose to claim.
/// </summary>
public static class ForwardedHeadersSetup
{
    public const string KnownProxiesSetting = "PayTrust:ForwardedHeaders:KnownProxies";

    /// <summary>Why the service cannot start with this list (an entry that is not an address or network), or null.</summary>
    public static string? Problem(IConfiguration configuration) =>
        Entries(configuration).FirstOrDefault(entry => !IPAddress.TryParse(entry, out _) && !IPNetwork.TryParse(entry, out _)) is { } bad
            ? $"{KnownProxiesSetting}: '{bad}' is neither an IP address nor a network such as 10.0.0.0/8."
            : null;

    /// <summary>First in the pipeline, so logging, throttling and the audit log all see the client's address.</summary>
    public static void UsePayTrustForwardedHeaders(this WebApplication app)
    {
        var entries = Entries(app.Configuration);
        if (entries.Length == 0)
        {
            return;
        }

        // No forward limit: the chain is followed from the right for as long as each hop is a listed proxy, so a
        // client's own X-Forwarded-For entries (on the left) are never taken for its address.
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = null };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var entry in entries)
        {
            if (IPAddress.TryParse(entry, out var address))
            {
                options.KnownProxies.Add(address);
            }
            else
            {
                options.KnownIPNetworks.Add(IPNetwork.Parse(entry));
            }
        }

        app.UseForwardedHeaders(options);
    }

    private static string[] Entries(IConfiguration configuration) =>
        (configuration[KnownProxiesSetting] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
