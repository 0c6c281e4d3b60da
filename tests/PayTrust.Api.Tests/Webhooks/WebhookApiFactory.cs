using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using PayTrust.Testing;

namespace PayTrust.Api.Tests.Webhooks;

/// <summary>
/// The API for the webhook tests: a known sandbox webhook secret, Xendit and Midtrans stand-ins (to take real
/// attempts against them), a hand-moved clock, every log event kept, and the durable retry worker off — the
/// tests run retry passes themselves, so nothing happens in the background between two assertions.
/// </summary>
public class WebhookApiFactory : Payments.StandInApiFactory
{
    public const string SandboxSecret = "test-webhook-tests-sandbox-secret";

    public WebhookApiFactory()
        : this(new TestDatabase(), ownsDatabase: true, NewClock(), lockWaitSeconds: null)
    {
    }

    /// <summary>An instance on a database and clock the test owns (restarts, shortened lock waits).</summary>
    internal WebhookApiFactory(
        TestDatabase database, bool ownsDatabase, FakeClock clock, int? lockWaitSeconds, IReadOnlyDictionary<string, string?>? settings = null)
        : base(database, ownsDatabase)
    {
        Clock = clock;
        LockWaitSeconds = lockWaitSeconds;
        Settings = settings ?? new Dictionary<string, string?>();
    }

    /// <summary>More settings for this instance (a restart with another configuration).</summary>
    private IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>Starts at the real time, on a whole second (the database keeps microseconds; equality checks stay exact).</summary>
    public static FakeClock NewClock() => new(Instant.FromUnixTimeSeconds(SystemClock.Instance.GetCurrentInstant().ToUnixTimeSeconds()));

    public FakeClock Clock { get; }

    /// <summary>innodb_lock_wait_timeout for the app's connections; null keeps the production 5 s.</summary>
    public int? LockWaitSeconds { get; }

    protected override IDictionary<string, string?> MoreSettings
    {
        get
        {
            var settings = new Dictionary<string, string?>
            {
                ["PayTrust:Sandbox:WebhookSecret"] = SandboxSecret,
                // Checkout pages are never submitted here: the tests sign sandbox webhooks themselves.
                ["PayTrust:Sandbox:WebhookUrl"] = "http://127.0.0.1:9/webhooks/sandbox",
                ["PayTrust:Workers:WebhookRetryEnabled"] = "false",
            };
            if (LockWaitSeconds is { } seconds)
            {
                settings["PayTrust:Database:LockWaitTimeoutSeconds"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            foreach (var (key, value) in Settings)
            {
                settings[key] = value;
            }

            return settings;
        }
    }

    protected override void ConfigureMoreServices(IServiceCollection services) => services.AddSingleton<IClock>(Clock);
}
