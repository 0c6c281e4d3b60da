using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Domain.Monetary;
using PayTrust.Infrastructure.Gateways;

namespace PayTrust.Application.Tests.Gateways;

/// <summary>The real gateway clients, resolved the way the application resolves them, pointed at stand-ins.</summary>
internal sealed class GatewayClients : IAsyncDisposable
{
    public const string XenditKey = "xnd_development_P4qDfOss0OCpl8RtKrROHjaQYNCk9dN5lSfk+R1l9Wbe+rSiCwZ3jw==";
    public const string MidtransKey = "SB-Mid-server-TOq1a2AVuiyhhOjvfs3U_KeO";

    public static readonly Instant Now = Instant.FromUtc(2026, 1, 5, 10, 30, 15);

    private readonly ServiceProvider provider;

    // Generous by default: the first request of a test run pays for JIT and Kestrel warm-up. Timeout tests pass 1 s.
    public GatewayClients(string? xenditBaseUrl = null, string? midtransBaseUrl = null, double timeoutSeconds = 5)
    {
        var settings = new Dictionary<string, string?>
        {
            [GatewayEndpoints.TimeoutSecondsKey] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [GatewayEndpoints.XenditBaseUrlKey] = xenditBaseUrl,
            [GatewayEndpoints.MidtransSnapBaseUrlKey] = midtransBaseUrl,
            [GatewayEndpoints.MidtransCoreBaseUrlKey] = midtransBaseUrl,
        };
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<IClock>(Clock);
        services.AddGatewayClients();
        provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>The clock the clients read (Midtrans judges a session's end by it); starts at <see cref="Now"/>.</summary>
    public NodaTime.Testing.FakeClock Clock { get; } = new(Now);

    public ICheckoutGateway Xendit => Gateway("xendit");

    public ICheckoutGateway Midtrans => Gateway("midtrans");

    public static GatewayCredentials XenditCredentials(string key = XenditKey) => new("xendit", "sandbox", key, "callback-token", null, Now);

    public static GatewayCredentials MidtransCredentials(string key = MidtransKey) => new("midtrans", "sandbox", null, null, key, Now);

    public static CheckoutRequest Request(Money amount, string reference = "att_01HZX4", IReadOnlyList<CheckoutItem>? items = null, CheckoutCustomer? customer = null) => new(
        reference,
        amount,
        "Invoice INV-2026-0001",
        items ?? [new CheckoutItem("Consulting", 1, amount)],
        customer,
        Now,
        Now + Duration.FromHours(2),
        "https://merchant.example/paid",
        "https://merchant.example/failed");

    /// <summary>An address nothing listens on: a port the OS just handed out and took back.</summary>
    public static string RefusingBaseUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

    public ValueTask DisposeAsync() => provider.DisposeAsync();

    private ICheckoutGateway Gateway(string code) =>
        provider.GetServices<ICheckoutGateway>().Single(gateway => gateway.Code == code);
}
