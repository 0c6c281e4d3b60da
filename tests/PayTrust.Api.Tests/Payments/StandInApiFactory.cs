using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using PayTrust.Testing;
using PayTrust.Testing.GatewayStandIns;
using Serilog.Core;
using Serilog.Events;

namespace PayTrust.Api.Tests.Payments;

/// <summary>
/// The API with Xendit and Midtrans pointed at local stand-ins that check what the real gateways check, and every
/// log event kept (to prove secrets never reach the logs, and to read Critical lines). The payment, webhook and
/// reconciliation factories add their own settings and services on top.
/// </summary>
public abstract class StandInApiFactory : PayTrustApiFactory
{
    // The keys InvoiceApi.SetGatewayCredentialsAsync stores for every tenant.
    public const string XenditSecretKey = "xnd_development_test_secret_key_0001";
    public const string XenditCallbackToken = "test-callback-token-0001";
    public const string MidtransServerKey = "SB-Mid-server-test-server-key-0001";

    protected StandInApiFactory()
    {
    }

    private protected StandInApiFactory(TestDatabase database, bool ownsDatabase)
        : base(database, ownsDatabase)
    {
    }

    public XenditStandIn Xendit { get; private set; } = null!;

    public MidtransStandIn Midtrans { get; private set; } = null!;

    public ConcurrentQueue<LogEvent> Logs { get; } = new();

    protected sealed override IDictionary<string, string?> ExtraSettings
    {
        get
        {
            var settings = new Dictionary<string, string?>
            {
                ["PayTrust:Gateways:Xendit:BaseUrl"] = Xendit.BaseUrl,
                ["PayTrust:Gateways:Midtrans:SnapBaseUrl"] = Midtrans.BaseUrl,
                ["PayTrust:Gateways:Midtrans:CoreBaseUrl"] = Midtrans.BaseUrl,
            };
            foreach (var (key, value) in MoreSettings)
            {
                settings[key] = value;
            }

            return settings;
        }
    }

    /// <summary>What a factory adds to (or overrides in) the stand-ins' settings.</summary>
    protected virtual IDictionary<string, string?> MoreSettings => new Dictionary<string, string?>();

    public override async Task InitializeAsync()
    {
        Xendit = await XenditStandIn.StartAsync(XenditSecretKey);
        Midtrans = await MidtransStandIn.StartAsync(MidtransServerKey);
        await base.InitializeAsync();
    }

    protected sealed override void ConfigureTestServices(IServiceCollection services)
    {
        services.AddSingleton<ILogEventSink>(new Sink(Logs));
        ConfigureMoreServices(services);
    }

    protected virtual void ConfigureMoreServices(IServiceCollection services)
    {
    }

    protected override async Task DisposeTestResourcesAsync()
    {
        await Xendit.DisposeAsync();
        await Midtrans.DisposeAsync();
    }

    private sealed class Sink(ConcurrentQueue<LogEvent> events) : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => events.Enqueue(logEvent);
    }
}
