using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using static PayTrust.Api.Tests.HttpAssert;

namespace PayTrust.Api.Tests;

public class ApiKeyLifecycleTests(PayTrustApiFactory factory) : IClassFixture<PayTrustApiFactory>
{
    [Fact]
    public async Task A_new_key_is_shown_once_in_the_ptk_format_and_authenticates_its_tenant()
    {
        using var admin = factory.AdminClient();
        var tenant = await JsonAsync(await admin.PostAsJsonAsync("/tenants", new { name = "Toko Sepatu" }), HttpStatusCode.Created);

        var response = await admin.PostAsJsonAsync("/api-keys", new { tenant_id = tenant.GetProperty("id").GetGuid(), description = "checkout" });

        var key = await JsonAsync(response, HttpStatusCode.Created);
        var plaintext = key.GetProperty("api_key").GetString()!;
        Assert.Matches("^ptk_[0-9a-f]{64}$", plaintext);
        Assert.Equal(plaintext[..12], key.GetProperty("key_prefix").GetString());
        Assert.Equal(tenant.GetProperty("id").GetGuid(), key.GetProperty("tenant_id").GetGuid());
        Assert.Equal($"/api-keys/{key.GetProperty("id").GetGuid()}", response.Headers.Location?.OriginalString);
        using var client = factory.TenantClient(plaintext);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/gateways")).StatusCode);
        var me = await JsonAsync(await client.GetAsync("/me"), HttpStatusCode.OK);
        Assert.Equal(tenant.GetProperty("id").GetGuid(), me.GetProperty("tenant_id").GetGuid());
        Assert.Equal(key.GetProperty("id").GetGuid(), me.GetProperty("api_key_id").GetGuid());
    }

    [Theory]
    [InlineData(null, "missing_api_key")]
    [InlineData("", "missing_api_key")]
    [InlineData("not-a-key", "invalid_api_key")]
    [InlineData("ptk_0000000000000000000000000000000000000000000000000000000000000000", "invalid_api_key")]
    [InlineData("ptk_ABCDEF0000000000000000000000000000000000000000000000000000000000", "invalid_api_key")]
    public async Task Missing_malformed_and_unknown_keys_are_401_with_their_code(string? key, string code)
    {
        using var client = factory.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("X-API-Key", key);
        }

        var problem = await Problem.ReadAsync(await client.GetAsync("/gateways"), HttpStatusCode.Unauthorized);

        Assert.Equal(code, problem.Code);
    }

    [Fact]
    public async Task The_header_name_is_case_insensitive()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("x-api-key", tenant.ApiKey);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/gateways")).StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_stops_at_once_and_its_use_is_audited()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/gateways")).StatusCode);
        using var admin = factory.AdminClient();

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api-keys/{tenant.ApiKeyId}")).StatusCode);

        Assert.Equal("invalid_api_key", (await Problem.ReadAsync(await client.GetAsync("/gateways"), HttpStatusCode.Unauthorized)).Code);
        var audit = await JsonAsync(await admin.GetAsync($"/api-keys/audit?api_key_id={tenant.ApiKeyId}"), HttpStatusCode.OK);
        var operations = audit.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("operation").GetString()!).ToArray();
        Assert.Equal(["authentication_failed", "revoke", "create"], operations);
        var failure = audit.GetProperty("data")[0];
        Assert.False(failure.GetProperty("success").GetBoolean());
        Assert.Equal(tenant.ApiKeyId.ToString(), failure.GetProperty("actor").GetString());
        Assert.Equal("admin", audit.GetProperty("data")[1].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Rotation_without_grace_stops_the_old_key_at_once()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.AdminClient();

        var rotated = await JsonAsync(await admin.PutAsync($"/api-keys/{tenant.ApiKeyId}/rotate", null), HttpStatusCode.OK);

        using var oldClient = factory.TenantClient(tenant.ApiKey);
        using var newClient = factory.TenantClient(rotated.GetProperty("api_key").GetString()!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await oldClient.GetAsync("/gateways")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await newClient.GetAsync("/gateways")).StatusCode);
        Assert.Equal(tenant.ApiKeyId, rotated.GetProperty("previous_key_id").GetGuid());
        Assert.Equal(tenant.TenantId, rotated.GetProperty("tenant_id").GetGuid());
    }

    [Fact]
    public async Task Rotation_with_grace_keeps_both_keys_working_until_the_grace_ends()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.AdminClient();

        var rotated = await JsonAsync(await admin.PutAsJsonAsync($"/api-keys/{tenant.ApiKeyId}/rotate", new { grace_seconds = 2 }), HttpStatusCode.OK);

        using var oldClient = factory.TenantClient(tenant.ApiKey);
        using var newClient = factory.TenantClient(rotated.GetProperty("api_key").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await oldClient.GetAsync("/gateways")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await newClient.GetAsync("/gateways")).StatusCode);
        var expiresAt = rotated.GetProperty("previous_key_expires_at").GetDateTimeOffset();
        await Task.Delay(expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        Assert.Equal(HttpStatusCode.Unauthorized, (await oldClient.GetAsync("/gateways")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await newClient.GetAsync("/gateways")).StatusCode);

        await using var connection = await factory.Database.OpenAsync();
        var oldHash = await connection.ExecuteScalarAsync<byte[]>(
            "SELECT old_key_hash FROM api_key_audit_log WHERE api_key_id = @id AND operation = 'rotate'", new { id = tenant.ApiKeyId });
        var storedHash = await connection.ExecuteScalarAsync<byte[]>("SELECT key_hash FROM api_keys WHERE id = @id", new { id = tenant.ApiKeyId });
        Assert.Equal(storedHash, oldHash);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(86_401)]
    public async Task Grace_outside_0_to_86400_seconds_is_refused_and_changes_nothing(int grace)
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.AdminClient();

        var problem = await Problem.ReadAsync(await admin.PutAsJsonAsync($"/api-keys/{tenant.ApiKeyId}/rotate", new { grace_seconds = grace }), HttpStatusCode.BadRequest);

        Assert.Equal("validation_failed", problem.Code);
        using var client = factory.TenantClient(tenant.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/gateways")).StatusCode);
        await using var connection = await factory.Database.OpenAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM api_keys WHERE tenant_id = @TenantId", new { tenant.TenantId }));
    }

    [Fact]
    public async Task Rotating_a_rotated_out_key_is_a_conflict_and_an_unknown_key_is_404()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.AdminClient();
        await JsonAsync(await admin.PutAsync($"/api-keys/{tenant.ApiKeyId}/rotate", null), HttpStatusCode.OK);

        Assert.Equal("api_key_inactive", (await Problem.ReadAsync(await admin.PutAsync($"/api-keys/{tenant.ApiKeyId}/rotate", null), HttpStatusCode.Conflict)).Code);
        Assert.Equal("api_key_not_found", (await Problem.ReadAsync(await admin.PutAsync($"/api-keys/{Guid.NewGuid()}/rotate", null), HttpStatusCode.NotFound)).Code);
        Assert.Equal("api_key_not_found", (await Problem.ReadAsync(await admin.DeleteAsync($"/api-keys/{Guid.NewGuid()}"), HttpStatusCode.NotFound)).Code);
    }

    [Fact]
    public async Task A_key_for_an_unknown_tenant_is_404_and_writes_nothing()
    {
        using var admin = factory.AdminClient();
        await using var connection = await factory.Database.OpenAsync();
        var before = await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM api_keys");

        var problem = await Problem.ReadAsync(await admin.PostAsJsonAsync("/api-keys", new { tenant_id = Guid.NewGuid() }), HttpStatusCode.NotFound);

        Assert.Equal("tenant_not_found", problem.Code);
        Assert.Equal(before, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM api_keys"));
    }

    [Theory]
    [InlineData(null, "missing_admin_key")]
    [InlineData("wrong-admin-key-0123456789abcdef0123456789", "invalid_admin_key")]
    public async Task Admin_routes_refuse_without_the_admin_key(string? adminKey, string code)
    {
        using var client = factory.CreateClient();
        if (adminKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Admin-Key", adminKey);
        }

        Assert.Equal(code, (await Problem.ReadAsync(await client.PostAsJsonAsync("/tenants", new { name = "x" }), HttpStatusCode.Unauthorized)).Code);
        Assert.Equal(code, (await Problem.ReadAsync(await client.GetAsync("/tenants"), HttpStatusCode.Unauthorized)).Code);
    }

    [Fact]
    public async Task A_tenant_key_opens_no_admin_route()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.TenantClient(tenant.ApiKey);

        var problem = await Problem.ReadAsync(await client.DeleteAsync($"/api-keys/{tenant.ApiKeyId}"), HttpStatusCode.Unauthorized);

        Assert.Equal("missing_admin_key", problem.Code);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/gateways")).StatusCode);
    }

    [Fact]
    public async Task The_database_never_holds_a_plaintext_key()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.AdminClient();
        var rotated = await JsonAsync(await admin.PutAsJsonAsync($"/api-keys/{tenant.ApiKeyId}/rotate", new { grace_seconds = 60 }), HttpStatusCode.OK);
        var secrets = new[] { tenant.ApiKey, rotated.GetProperty("api_key").GetString()! }.SelectMany(k => new[] { k, k[4..] }).ToArray();

        await using var connection = await factory.Database.OpenAsync();
        var dump = new System.Text.StringBuilder();
        foreach (var table in await connection.QueryAsync<string>("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = DATABASE()"))
        {
            foreach (IDictionary<string, object?> row in await connection.QueryAsync($"SELECT * FROM `{table}`"))
            {
                foreach (var value in row.Values)
                {
                    dump.Append(value is byte[] bytes ? Convert.ToHexStringLower(bytes) + System.Text.Encoding.UTF8.GetString(bytes) : value?.ToString()).Append('\n');
                }
            }
        }

        Assert.All(secrets, secret => Assert.DoesNotContain(secret, dump.ToString(), StringComparison.OrdinalIgnoreCase));
        Assert.Contains(tenant.ApiKey[..12], dump.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_pages_filter_by_key_operation_and_dates()
    {
        using var admin = factory.AdminClient();
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        var tenant = await factory.CreateTenantAsync("Audited");
        for (var i = 0; i < 4; i++)
        {
            await JsonAsync(await admin.PostAsJsonAsync("/api-keys", new { tenant_id = tenant.TenantId }), HttpStatusCode.Created);
        }

        var window = $"start_date={Uri.EscapeDataString(start.ToString("O"))}&end_date={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddSeconds(1).ToString("O"))}";
        var page2 = await JsonAsync(await admin.GetAsync($"/api-keys/audit?operation=create&page=2&page_size=2&{window}"), HttpStatusCode.OK);
        var pagination = page2.GetProperty("pagination");

        Assert.True(pagination.GetProperty("total_count").GetInt64() >= 5);
        Assert.Equal(2, pagination.GetProperty("page").GetInt32());
        Assert.Equal(2, page2.GetProperty("data").GetArrayLength());
        Assert.All(page2.GetProperty("data").EnumerateArray(), e => Assert.Equal("create", e.GetProperty("operation").GetString()));
        var future = await JsonAsync(await admin.GetAsync($"/api-keys/audit?start_date={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}"), HttpStatusCode.OK);
        Assert.Equal(0, future.GetProperty("pagination").GetProperty("total_count").GetInt64());
        Assert.Equal("validation_failed", (await Problem.ReadAsync(await admin.GetAsync("/api-keys/audit?operation=delete"), HttpStatusCode.BadRequest)).Code);
        Assert.Equal("validation_failed", (await Problem.ReadAsync(await admin.GetAsync("/api-keys/audit?page_size=101"), HttpStatusCode.BadRequest)).Code);
    }

    [Fact]
    public async Task Revocation_on_one_instance_reaches_another_within_5_seconds()
    {
        await using var other = new PayTrustApiFactory(factory.Database);
        var tenant = await factory.CreateTenantAsync();
        using var onOther = other.TenantClient(tenant.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await onOther.GetAsync("/gateways")).StatusCode);
        using var admin = factory.AdminClient();

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api-keys/{tenant.ApiKeyId}")).StatusCode);
        var revoked = Stopwatch.StartNew();
        while ((await onOther.GetAsync("/gateways")).StatusCode == HttpStatusCode.OK)
        {
            Assert.True(revoked.Elapsed < TimeSpan.FromSeconds(5), "the other instance still accepts the revoked key after 5 s");
            await Task.Delay(100);
        }
    }
}
