using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using PayTrust.Application.Abstractions;
using static PayTrust.Api.Tests.HttpAssert;

namespace PayTrust.Api.Tests;

public class IdempotencyTests(PayTrustApiFactory factory) : IClassFixture<PayTrustApiFactory>
{
    [Fact]
    public async Task A_repeat_replays_the_first_response_and_has_one_effect()
    {
        using var admin = factory.AdminClient();
        var name = $"Replay {Guid.NewGuid():N}";

        var first = await PostAsync(admin, "/tenants", new { name }, "key-1");
        var second = await PostAsync(admin, "/tenants", new { name }, "key-1");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1, await CountTenantsAsync(name));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_refused_and_changes_nothing()
    {
        using var admin = factory.AdminClient();
        var name = $"Original {Guid.NewGuid():N}";
        await PostAsync(admin, "/tenants", new { name }, "key-2");

        var reused = await PostAsync(admin, "/tenants", new { name = name + " changed" }, "key-2");

        Assert.Equal("idempotency_key_reused", (await Problem.ReadAsync(reused, HttpStatusCode.UnprocessableEntity)).Code);
        Assert.Equal(0, await CountTenantsAsync(name + " changed"));
    }

    [Fact]
    public async Task Twenty_concurrent_identical_requests_have_one_effect_and_each_gets_the_result_or_409()
    {
        var tenant = await factory.CreateTenantAsync();
        var name = $"Concurrent {Guid.NewGuid():N}";

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var client = factory.TenantClient(tenant.ApiKey);
            var response = await PostAsync(client, "/_test/tenant-scoped-create", new { name, quantity = 1 }, "same-key");
            return (response.StatusCode, Replayed: response.Headers.Contains("Idempotent-Replayed"), Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.Equal(1, await CountTenantsAsync(name));
        Assert.All(responses, r => Assert.True(
            r.StatusCode == HttpStatusCode.Created || (r.StatusCode == HttpStatusCode.Conflict && r.Body.Contains("idempotency_key_in_use", StringComparison.Ordinal)),
            $"{(int)r.StatusCode}: {r.Body}"));
        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToArray();
        Assert.Single(created, r => !r.Replayed);
        Assert.Single(created.Select(r => r.Body).Distinct());
    }

    [Fact]
    public async Task Keys_are_per_tenant()
    {
        var a = await factory.CreateTenantAsync("A");
        var b = await factory.CreateTenantAsync("B");
        var name = $"Per tenant {Guid.NewGuid():N}";
        using var clientA = factory.TenantClient(a.ApiKey);
        using var clientB = factory.TenantClient(b.ApiKey);

        var fromA = await PostAsync(clientA, "/_test/tenant-scoped-create", new { name, quantity = 1 }, "shared-key");
        var fromB = await PostAsync(clientB, "/_test/tenant-scoped-create", new { name, quantity = 1 }, "shared-key");

        Assert.Equal(HttpStatusCode.Created, fromA.StatusCode);
        Assert.Equal(HttpStatusCode.Created, fromB.StatusCode);
        Assert.False(fromB.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, await CountTenantsAsync(name));
    }

    [Fact]
    public async Task A_refusal_is_replayed_as_the_same_refusal()
    {
        using var admin = factory.AdminClient();
        var missingTenant = Guid.NewGuid();

        // Revoking an unknown key refuses with 404; the key stores that answer.
        var first = await SendAsync(admin, HttpMethod.Delete, $"/api-keys/{missingTenant}", "refusal-key");
        var second = await SendAsync(admin, HttpMethod.Delete, $"/api-keys/{missingTenant}", "refusal-key");

        Assert.Equal("api_key_not_found", (await Problem.ReadAsync(first, HttpStatusCode.NotFound)).Code);
        Assert.Equal("api_key_not_found", (await Problem.ReadAsync(second, HttpStatusCode.NotFound)).Code);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task Responses_that_show_a_secret_once_refuse_an_idempotency_key_and_write_nothing()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.AdminClient();

        var response = await PostAsync(admin, "/api-keys", new { tenant_id = tenant.TenantId }, "secret-key");

        Assert.Equal("idempotency_not_supported", (await Problem.ReadAsync(response, HttpStatusCode.UnprocessableEntity)).Code);
        await using var connection = await factory.Database.OpenAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM api_keys WHERE tenant_id = @TenantId", new { tenant.TenantId }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM idempotency_keys WHERE idempotency_key = 'secret-key'"));
    }

    [Theory]
    [InlineData(256)]
    public async Task An_overlong_key_is_a_400(int length)
    {
        using var admin = factory.AdminClient();

        var response = await PostAsync(admin, "/tenants", new { name = "x" }, new string('k', length));

        Assert.Equal("invalid_idempotency_key", (await Problem.ReadAsync(response, HttpStatusCode.BadRequest)).Code);
    }

    [Fact]
    public async Task Keys_past_their_retention_are_deleted_and_may_be_used_again()
    {
        using var admin = factory.AdminClient();
        var name = $"Expired {Guid.NewGuid():N}";
        await PostAsync(admin, "/tenants", new { name }, "old-key");
        await using var connection = await factory.Database.OpenAsync();
        await connection.ExecuteAsync("UPDATE idempotency_keys SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE idempotency_key = 'old-key'");

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var deleted = await scope.ServiceProvider.GetRequiredService<IIdempotencyStore>().DeleteExpiredAsync(SystemClock.Instance.GetCurrentInstant(), CancellationToken.None);
            Assert.True(deleted >= 1);
        }

        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM idempotency_keys WHERE idempotency_key = 'old-key'"));
        var again = await PostAsync(admin, "/tenants", new { name }, "old-key");
        Assert.False(again.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, await CountTenantsAsync(name));
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string key)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private async Task<int> CountTenantsAsync(string name)
    {
        await using var connection = await factory.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM tenants WHERE name = @name", new { name });
    }
}
