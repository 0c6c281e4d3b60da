using System.Net;
using Dapper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace PayTrust.Api.Tests;

/// <summary>
/// The isolation harness. It reads the route table of the running service, so a route added later is
/// covered automatically: a tenant route that takes an id fails here until a resource maker is listed
/// below, and then tenant B's key against tenant A's resource must get 404 and change nothing.
/// </summary>
public class TenantIsolationTests(PayTrustApiFactory factory) : IClassFixture<PayTrustApiFactory>
{
    /// <summary>Routes anyone may call: operations, the OpenAPI document and the /docs reference's own assets.</summary>
    private static readonly HashSet<string> PublicRoutes = ["/health", "/ready", "/openapi/{documentName}.json"];

    private static bool IsPublic(string pattern) => PublicRoutes.Contains(pattern) || pattern.StartsWith("/docs/", StringComparison.Ordinal);

    /// <summary>
    /// For each tenant route pattern with parameters: make tenant A's resource and return the concrete path.
    /// Invoices, payments and reports add their makers here as they arrive.
    /// </summary>
    private static readonly Dictionary<string, Func<PayTrustApiFactory, TestTenant, Task<string>>> ResourceMakers = new();

    [Fact]
    public void Every_route_is_public_by_name_or_needs_a_tenant_or_admin_key()
    {
        var unguarded = Routes().Where(r => r.Policy is null && !IsPublic(r.Pattern) && !r.Pattern.StartsWith("/_test/", StringComparison.Ordinal)).ToArray();

        Assert.True(unguarded.Length == 0, "Routes with neither a policy nor a place in PublicRoutes: " + string.Join(", ", unguarded.Select(r => r.Pattern)));
        Assert.Contains(Routes(), r => r.Policy == "Tenant");
        Assert.Contains(Routes(), r => r.Policy == "Admin");
    }

    [Fact]
    public void Every_tenant_route_with_an_id_has_a_resource_maker()
    {
        var withIds = TenantRoutesWithParameters().Select(r => r.Pattern).Distinct().Order().ToArray();

        Assert.Equal(withIds, ResourceMakers.Keys.Order().ToArray());
    }

    [Fact]
    public async Task Another_tenants_resource_is_404_on_every_method_and_nothing_changes()
    {
        var owner = await factory.CreateTenantAsync("Owner");
        var intruder = await factory.CreateTenantAsync("Intruder");
        using var client = factory.TenantClient(intruder.ApiKey);
        var checkedRoutes = 0;

        foreach (var route in TenantRoutesWithParameters())
        {
            var path = await ResourceMakers[route.Pattern](factory, owner);
            var before = await ChecksumAsync();
            foreach (var method in route.Methods)
            {
                var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") });
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path} as another tenant answered {(int)response.StatusCode}");
            }

            Assert.Equal(before, await ChecksumAsync());
            checkedRoutes++;
        }

        Assert.Equal(ResourceMakers.Count, checkedRoutes);
    }

    private IEnumerable<Route> TenantRoutesWithParameters() =>
        Routes().Where(r => r.Policy == "Tenant" && r.Pattern.Contains('{', StringComparison.Ordinal) && !r.Pattern.StartsWith("/_test/", StringComparison.Ordinal));

    private Route[] Routes() =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => new Route(
                "/" + (e.RoutePattern.RawText ?? "").TrimStart('/').TrimEnd('/'),
                e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null),
                e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"]))
            .ToArray();

    // Everything except api_keys, whose last_used_at moves with any authenticated call.
    private async Task<string> ChecksumAsync()
    {
        await using var connection = await factory.Database.OpenAsync();
        var tables = (await connection.QueryAsync<string>(
            "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'api_keys' ORDER BY TABLE_NAME")).ToArray();
        var sums = await connection.QueryAsync<(string Table, long? Checksum)>($"CHECKSUM TABLE {string.Join(", ", tables.Select(t => $"`{t}`"))}");
        return string.Join(";", sums.Select(s => $"{s.Table}={s.Checksum}"));
    }

    private sealed record Route(string Pattern, string? Policy, IReadOnlyList<string> Methods);
}
