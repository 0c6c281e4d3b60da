using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using PayTrust.Testing;

namespace PayTrust.Api.Tests;

/// <summary>
/// The real binary started as an operator would in production, against a real migrated database, saying nothing about the
/// sandbox: it refuses to start until a default gateway is named, and once one is, it does not offer the sandbox at all.
/// </summary>
public class ProductionStartTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private const string Pepper = "production-start-test-pepper-0123456789";

    [Fact]
    public async Task Without_a_default_gateway_it_refuses_to_start_in_one_line()
    {
        await using var api = ApiProcess.Start(Settings(defaultGateway: null));

        var exited = await api.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exited, "the service started anyway");
        Assert.Equal(1, api.ExitCode);
        var line = Assert.Single(api.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(
            "PayTrust cannot start: the sandbox gateway is off outside Development unless PayTrust:Sandbox:Enabled is true, so PayTrust:DefaultGateway",
            line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_default_gateway_it_serves_and_offers_no_sandbox()
    {
        await using var api = ApiProcess.Start(Settings(defaultGateway: "xendit"));
        using var http = new HttpClient { BaseAddress = new Uri(api.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        await api.WaitUntilHealthyAsync(http, TimeSpan.FromSeconds(60));

        using var tenantRequest = new HttpRequestMessage(HttpMethod.Post, "/tenants") { Content = JsonContent.Create(new { name = "Production merchant" }) };
        tenantRequest.Headers.Add("X-Admin-Key", PayTrustApiFactory.AdminKey);
        var tenant = await HttpAssert.JsonAsync(await http.SendAsync(tenantRequest), HttpStatusCode.Created);
        using var keyRequest = new HttpRequestMessage(HttpMethod.Post, "/api-keys")
        {
            Content = JsonContent.Create(new { tenant_id = tenant.GetProperty("id").GetGuid(), description = "production start" }),
        };
        keyRequest.Headers.Add("X-Admin-Key", PayTrustApiFactory.AdminKey);
        var key = await HttpAssert.JsonAsync(await http.SendAsync(keyRequest), HttpStatusCode.Created);
        using var gatewaysRequest = new HttpRequestMessage(HttpMethod.Get, "/gateways");
        gatewaysRequest.Headers.Add("X-API-Key", key.GetProperty("api_key").GetString());

        var gateways = await HttpAssert.JsonAsync(await http.SendAsync(gatewaysRequest), HttpStatusCode.OK);
        var page = await http.GetAsync("/sandbox/checkout/anything");
        var pageOfAToken = await http.GetAsync($"/sandbox/checkout/{new string('a', 32)}");
        var submitted = await http.PostAsync($"/sandbox/checkout/{new string('a', 32)}", new FormUrlEncodedContent([new("action", "pay_in_full")]));
        using var webhookBody = new StringContent("""{"id":"evt_1","type":"payment.succeeded","data":{"reference":"PTABCDEFGH1-001"}}""", Encoding.UTF8, "application/json");
        var webhook = await http.PostAsync("/webhooks/sandbox", webhookBody);

        var codes = gateways.GetProperty("data").EnumerateArray().Select(gateway => gateway.GetProperty("code").GetString()).ToArray();
        Assert.Contains("xendit", codes);
        Assert.DoesNotContain("sandbox", codes);
        // Not the sandbox's own "checkout not found" page nor an unknown reference: its routes are not there at all.
        foreach (var response in new[] { page, pageOfAToken, submitted })
        {
            Assert.Equal("not_found", (await HttpAssert.Problem.ReadAsync(response, HttpStatusCode.NotFound)).Code);
        }

        Assert.Equal("unknown_gateway", (await HttpAssert.Problem.ReadAsync(webhook, HttpStatusCode.NotFound)).Code);
    }

    private Dictionary<string, string?> Settings(string? defaultGateway) => new()
    {
        ["ConnectionStrings__PayTrust"] = database.ConnectionString,
        ["ADMIN_API_KEY"] = PayTrustApiFactory.AdminKey,
        ["PayTrust__ApiKeyPepper"] = Pepper,
        ["PayTrust__CredentialsKey"] = PayTrustApiFactory.CredentialsKey,
        ["PayTrust__Sandbox__Enabled"] = null,
        ["PayTrust__DefaultGateway"] = defaultGateway,
        // Background workers stay off: this test is about what the service offers, not what its workers do meanwhile.
        ["PayTrust__Workers__ExpiryEnabled"] = "false",
        ["PayTrust__Workers__WebhookRetryEnabled"] = "false",
        ["PayTrust__Workers__ReconciliationEnabled"] = "false",
        ["PayTrust__Workers__ReportRollupEnabled"] = "false",
    };

    /// <summary>PayTrust.Api.dll in Production on a free loopback port; disposing it kills it if it is still running.</summary>
    private sealed class ApiProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _stderr = new();

        private ApiProcess(Process process, string baseUrl)
        {
            _process = process;
            BaseUrl = baseUrl;
        }

        public string BaseUrl { get; }

        public int ExitCode => _process.ExitCode;

        public string Stderr
        {
            get
            {
                lock (_stderr)
                {
                    return _stderr.ToString();
                }
            }
        }

        public static ApiProcess Start(IReadOnlyDictionary<string, string?> settings)
        {
            var baseUrl = $"http://127.0.0.1:{FreePort()}";
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "PayTrust.Api.dll"), "--urls", baseUrl])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment.Remove("DOTNET_ENVIRONMENT");
            foreach (var (name, value) in settings)
            {
                start.Environment.Remove(name);
                if (value is not null)
                {
                    start.Environment[name] = value;
                }
            }

            var process = new Process { StartInfo = start };
            var api = new ApiProcess(process, baseUrl);
            process.ErrorDataReceived += (_, line) =>
            {
                if (line.Data is not null)
                {
                    lock (api._stderr)
                    {
                        api._stderr.Append(line.Data).Append('\n');
                    }
                }
            };
            // Read and dropped: a full pipe would stall the service's console logging.
            process.OutputDataReceived += (_, _) => { };
            process.Start();
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            return api;
        }

        public async Task<bool> WaitForExitAsync(TimeSpan timeout)
        {
            using var cancellation = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cancellation.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public async Task WaitUntilHealthyAsync(HttpClient http, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new Xunit.Sdk.XunitException($"the service exited with {_process.ExitCode}: {Stderr}");
                }

                try
                {
                    if ((await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new Xunit.Sdk.XunitException($"the service did not answer /health within {timeout.TotalSeconds} s: {Stderr}");
                }

                await Task.Delay(200);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await WaitForExitAsync(TimeSpan.FromSeconds(30));
            _process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
