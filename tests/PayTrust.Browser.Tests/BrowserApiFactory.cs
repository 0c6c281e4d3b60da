using System.Net;
using System.Net.Sockets;
using PayTrust.Api.Tests;
using PayTrust.Api.Tests.Payments;

namespace PayTrust.Browser.Tests;

/// <summary>
/// The API on real Kestrel at a fixed loopback port, so a browser can follow its payment links, with the
/// sandbox's webhooks going to a <see cref="WebhookReceiver"/>.
/// </summary>
public sealed class BrowserApiFactory : PayTrustApiFactory
{
    public const string WebhookSecret = "browser-test-sandbox-secret";

    public BrowserApiFactory()
    {
        Port = FreePort();
        UseKestrel(Port);
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public WebhookReceiver Receiver { get; private set; } = null!;

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["PAYTRUST_PUBLIC_URL"] = BaseUrl,
        ["PayTrust:Sandbox:WebhookSecret"] = WebhookSecret,
        ["PayTrust:Sandbox:WebhookUrl"] = Receiver.Url,
    };

    public override async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        await base.InitializeAsync();
        StartServer();
    }

    protected override async Task DisposeTestResourcesAsync() => await Receiver.DisposeAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
