using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Caching.Memory;

namespace PayTrust.Api.Hosting;

/// <summary>What an anonymous route is, for the per-address limit it shares with routes of its kind.</summary>
public enum AnonymousTraffic
{
    /// <summary>Gateway notifications: few addresses (a gateway's), many requests each.</summary>
    Webhook,

    /// <summary>Pages a customer's browser opens: payment links and the sandbox checkout.</summary>
    Page,
}

/// <summary>Endpoint metadata: this anonymous route is limited per client address.</summary>
public sealed record LimitedPerClientAddress(AnonymousTraffic Traffic);

/// <summary>Endpoint metadata: answered even to an address that has used up its failed authentications (probes).</summary>
public sealed class ExemptFromFailedAuthThrottle
{
    public static readonly ExemptFromFailedAuthThrottle Instance = new();

    private ExemptFromFailedAuthThrottle()
    {
    }
}

/// <summary>
/// Spec §13: anonymous routes are throttled per client address, and so is failed authentication (ADR 28). Both run
/// right after request logging, so a refusal is logged but costs no authentication, database work or body read.
/// The client address is the connection's, rewritten from X-Forwarded-For only by <see cref="ForwardedHeadersSetup"/>
/// for proxies the operator listed. Counts live in this process: limits are per instance.
/// </summary>
public static class ClientAddressThrottling
{
    /// <summary>Marks an anonymous route as limited per client address, sharing the budget of its kind of traffic.</summary>
    public static TBuilder LimitedPerClientAddress<TBuilder>(this TBuilder builder, AnonymousTraffic traffic)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new LimitedPerClientAddress(traffic));

    /// <summary>Marks a route (liveness, readiness) as served even to an address over its failed-authentication budget.</summary>
    public static TBuilder ExemptFromFailedAuthThrottle<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(Hosting.ExemptFromFailedAuthThrottle.Instance);

    public static void UsePayTrustClientAddressThrottling(this WebApplication app)
    {
        app.UseMiddleware<FailedAuthenticationThrottle>();
        app.UseRateLimiter(new RateLimiterOptions
        {
            GlobalLimiter = app.Services.GetRequiredService<AnonymousRateLimiter>().Limiter,
            OnRejected = (rejected, _) => RateLimiting.RejectAsync(rejected,
                rejected.HttpContext.GetEndpoint()?.Metadata.GetMetadata<LimitedPerClientAddress>() is { Traffic: AnonymousTraffic.Webhook }
                    ? "This address has sent too many webhooks this minute"
                    : "This address has opened too many payment pages this minute"),
        });
    }

    /// <summary>
    /// The partition a client address counts in. IPv6 counts by its /64, the block one subscriber is usually given, so
    /// a single host cannot mint a fresh budget per request; an IPv4 address mapped into IPv6 counts as itself. Without
    /// an address (a Unix socket, the in-process test server) every request shares one partition, as they would behind
    /// a proxy that is not listed.
    /// </summary>
    public static string PartitionKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return $"{new IPAddress(bytes)}/64";
    }
}

/// <summary>
/// ASP.NET Core's limiter for the anonymous routes: a fixed one-minute window per (kind of traffic, client address).
/// Partitions are created on a request and dropped by System.Threading.RateLimiting once they have been idle with a
/// full window for a few seconds, so the table holds only addresses seen in about the last minute.
/// </summary>
internal sealed class AnonymousRateLimiter : IDisposable
{
    public AnonymousRateLimiter(IConfiguration configuration)
    {
        var settings = RateLimitSettings.From(configuration);
        var webhooks = Window(settings.WebhooksPerMinute);
        var pages = Window(settings.PagesPerMinute);
        Limiter = PartitionedRateLimiter.Create<HttpContext, (AnonymousTraffic, string)>(context =>
            context.GetEndpoint()?.Metadata.GetMetadata<LimitedPerClientAddress>() is { } limited
                ? RateLimitPartition.GetFixedWindowLimiter(
                    (limited.Traffic, ClientAddressThrottling.PartitionKey(context.Connection.RemoteIpAddress)),
                    key => key.Item1 == AnonymousTraffic.Webhook ? webhooks : pages)
                : RateLimitPartition.GetNoLimiter<(AnonymousTraffic, string)>(default));
    }

    public PartitionedRateLimiter<HttpContext> Limiter { get; }

    public void Dispose() => Limiter.Dispose();

    private static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = permits,
        Window = RateLimitSettings.Window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}

/// <summary>
/// Counts failures per client address after the response — a 401 from an API or admin key (<c>FailedAuthPerMinute</c>),
/// a webhook answered 400, 401 or 404 (<c>FailedWebhooksPerMinute</c>) — and acts on an address over its budget before
/// anything else happens. Keyed routes: every request from it is refused (429) until the window closes. Webhooks are
/// never refused for it: a gateway's few addresses carry every tenant's notifications, so refusing them would let one
/// tenant's misconfigured or hostile gateway account stop every tenant's money; past the budget the address is still
/// served, but what is refused from it is no longer recorded (<see cref="RefusedWebhooksNotRecorded"/>), so a flood
/// costs no storage. Successful requests are never counted.
/// </summary>
internal sealed class FailedAuthenticationThrottle(RequestDelegate next, FailedAuthenticationBudgets budgets, ILogger<FailedAuthenticationThrottle> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<ExemptFromFailedAuthThrottle>() is not null)
        {
            await next(context);
            return;
        }

        var address = ClientAddressThrottling.PartitionKey(context.Connection.RemoteIpAddress);
        var webhook = endpoint?.Metadata.GetMetadata<LimitedPerClientAddress>() is { Traffic: AnonymousTraffic.Webhook };
        if (webhook)
        {
            if (budgets.Webhooks.RetryAfter(address) is not null)
            {
                context.Features.Set(RefusedWebhooksNotRecorded.Instance);
            }
        }
        else if (budgets.Keys.RetryAfter(address) is { } wait)
        {
            await RateLimiting.WriteRateLimitedAsync(context, wait, "This address has failed authentication too often this minute");
            return;
        }

        await next(context);

        var status = context.Response.StatusCode;
        var budget = webhook switch
        {
            true when status is StatusCodes.Status400BadRequest or StatusCodes.Status401Unauthorized or StatusCodes.Status404NotFound => budgets.Webhooks,
            false when status == StatusCodes.Status401Unauthorized => budgets.Keys,
            _ => null,
        };
        if (budget?.Record(address) == true)
        {
            // Once per address and window, so an operator sees who is throttled and why without a line per request.
            logger.LogWarning("Client {ClientAddress} reached {Limit} failed {Kind} this minute; until the minute is over {Consequence}",
                address, budget.Limit, webhook ? "webhooks" : "authentications",
                webhook ? "webhooks it sends that are refused are not recorded" : "its requests are refused");
        }
    }
}

/// <summary>Request feature: this address has used up its refused-webhook budget, so a refused webhook from it is answered but not recorded.</summary>
public sealed class RefusedWebhooksNotRecorded
{
    public static readonly RefusedWebhooksNotRecorded Instance = new();

    private RefusedWebhooksNotRecorded()
    {
    }
}

/// <summary>The two failed-authentication budgets, per client address.</summary>
internal sealed class FailedAuthenticationBudgets(IConfiguration configuration) : IDisposable
{
    public FailureBudget Keys { get; } = new(RateLimitSettings.From(configuration).FailedAuthPerMinute, TimeProvider.System);

    public FailureBudget Webhooks { get; } = new(RateLimitSettings.From(configuration).FailedWebhooksPerMinute, TimeProvider.System);

    public void Dispose()
    {
        Keys.Dispose();
        Webhooks.Dispose();
    }
}

/// <summary>
/// Failures per address in a fixed window that opens at the address's first failure; at <c>limit</c> the budget is
/// used up until the window closes. Held in a size-limited cache: windows expire with their minute, and beyond
/// <see cref="MaxAddresses"/> addresses at once a new one is not tracked (while the cache evicts) rather than the
/// table growing with a flood of addresses.
/// </summary>
internal sealed class FailureBudget(int limit, TimeProvider time) : IDisposable
{
    public const int MaxAddresses = 100_000;

    public int Limit => limit;

    private readonly MemoryCache _windows = new(new MemoryCacheOptions { SizeLimit = MaxAddresses });
    private readonly Lock _opening = new();

    public TimeSpan? RetryAfter(string address)
    {
        if (!_windows.TryGetValue(address, out Failures? failures) || Volatile.Read(ref failures!.Count) < limit)
        {
            return null;
        }

        var left = failures.Ends - time.GetUtcNow();
        return left > TimeSpan.Zero ? left : null;
    }

    /// <summary>Counts one failure; true when it is the one that uses the budget up.</summary>
    public bool Record(string address)
    {
        if (!_windows.TryGetValue(address, out Failures? failures) || failures!.Ends <= time.GetUtcNow())
        {
            // Opening a window is rare (the first failure of an address this minute); the lock keeps two concurrent
            // first failures from each opening one and losing a count.
            lock (_opening)
            {
                if (!_windows.TryGetValue(address, out failures) || failures!.Ends <= time.GetUtcNow())
                {
                    failures = new Failures(time.GetUtcNow() + RateLimitSettings.Window);
                    _windows.Set(address, failures, new MemoryCacheEntryOptions { AbsoluteExpiration = failures.Ends, Size = 1 });
                }
            }
        }

        return Interlocked.Increment(ref failures.Count) == limit;
    }

    public void Dispose() => _windows.Dispose();

    private sealed class Failures(DateTimeOffset ends)
    {
        public readonly DateTimeOffset Ends = ends;
        public int Count;
    }
}
