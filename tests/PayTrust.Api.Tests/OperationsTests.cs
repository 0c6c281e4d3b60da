using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Dapper;

namespace PayTrust.Api.Tests;

public class OperationsTests(PayTrustApiFactory factory) : IClassFixture<PayTrustApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Health_answers_without_touching_anything_else()
    {
        var response = await _client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"status\":\"healthy\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ready_when_the_database_answers_and_every_migration_is_applied()
    {
        var response = await _client.GetAsync("/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"status\":\"ready\",\"database_reachable\":true,\"pending_migrations\":[]}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Not_ready_while_a_migration_is_missing_from_the_journal()
    {
        await using var connection = await factory.Database.OpenAsync();
        var last = await connection.ExecuteScalarAsync<string>("SELECT script_name FROM schema_versions ORDER BY script_name DESC LIMIT 1");
        await connection.ExecuteAsync("DELETE FROM schema_versions WHERE script_name = @last", new { last });
        try
        {
            var response = await _client.GetAsync("/ready");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("not_ready", body.GetProperty("status").GetString());
            Assert.Equal(last!["PayTrust.Migrations.".Length..], body.GetProperty("pending_migrations")[0].GetString());
        }
        finally
        {
            await connection.ExecuteAsync("INSERT INTO schema_versions (script_name, applied_at) VALUES (@last, UTC_TIMESTAMP(6))", new { last });
        }
    }

    [Fact]
    public async Task OpenAPI_document_describes_the_routes()
    {
        var response = await _client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/gateways", out _));
        Assert.True(paths.TryGetProperty("/health", out _));
        Assert.True(paths.TryGetProperty("/ready", out _));
    }

    [Fact]
    public async Task Docs_page_and_its_script_are_served_by_the_app_itself()
    {
        var page = await _client.GetStringAsync("/docs/");
        Assert.Contains("PayTrust API", page, StringComparison.Ordinal);
        Assert.DoesNotContain("cdn.", page, StringComparison.OrdinalIgnoreCase);

        var script = await _client.GetAsync("/docs/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 10_000);
    }

    [Fact]
    public async Task The_service_refuses_to_start_without_its_database_in_one_line()
    {
        var apiDll = Path.Combine(AppContext.BaseDirectory, "PayTrust.Api.dll");
        var start = new ProcessStartInfo("dotnet", [apiDll, "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            Environment =
            {
                ["ConnectionStrings__PayTrust"] = "Server=127.0.0.1;Port=1;User ID=paytrust;Password=x;Database=paytrust;Connection Timeout=2",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ADMIN_API_KEY"] = PayTrustApiFactory.AdminKey,
                ["PayTrust__CredentialsKey"] = PayTrustApiFactory.CredentialsKey,
                // The other start-up checks pass, so the database is what it stops on.
                ["PayTrust__ApiKeyPepper"] = "operations-test-pepper-0123456789",
                ["PayTrust__DefaultGateway"] = "xendit",
            },
        };

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the service kept running without a database");

        Assert.Equal(1, process.ExitCode);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("PayTrust cannot start: cannot reach the database at paytrust@127.0.0.1:1/paytrust", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", await stdout, StringComparison.Ordinal);
    }
}
