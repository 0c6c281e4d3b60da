using System.Net;
using System.Net.Sockets;
using PayTrust.Api.Tests;
using PayTrust.Api.Tests.Payments;

namespace PayTrust.Browser.Tests;

/// <summary>
/// The API on real Kestrel at a fixed loopback port, so a browser can follow its payment links, with the
/// sandbox's webhooks going to a <see cref="WebhookReceiver"/> (or, in <see cref="SelfPayingBrowserApiFactory"/>, to the API itself).
/// </summary>
public class BrowserApiFactory : PayTrustApiFactory
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

    /// <summary>Where the sandbox posts its webhooks: the recording receiver here.</summary>
    protected virtual string SandboxWebhookUrl => Receiver.Url;

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["PAYTRUST_PUBLIC_URL"] = BaseUrl,
        ["PayTrust:Sandbox:WebhookSecret"] = WebhookSecret,
        ["PayTrust:Sandbox:WebhookUrl"] = SandboxWebhookUrl,
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

/// <summary>
/// The same server, but the sandbox's webhooks go to its own /webhooks/sandbox, as in a local run: a click on
/// the checkout page applies the payment end to end.
/// </summary>
public sealed class SelfPayingBrowserApiFactory : BrowserApiFactory
{
    protected override string SandboxWebhookUrl => $"{BaseUrl}/webhooks/sandbox";
}
