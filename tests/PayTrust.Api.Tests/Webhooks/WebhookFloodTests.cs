using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Dapper;
using PayTrust.Testing;
using static PayTrust.Api.Tests.Webhooks.WebhookApi;

namespace PayTrust.Api.Tests.Webhooks;

/// <summary>
/// An anonymous flood of /webhooks (spec §13): bodies nobody signed may cost a row each at most, never their size, and
/// the service keeps serving its tenants throughout.
/// </summary>
public class WebhookFloodTests(WebhookFloodTests.FloodApiFactory factory, Xunit.Abstractions.ITestOutputHelper output)
    : IClassFixture<WebhookFloodTests.FloodApiFactory>
{
    private const int Bodies = 10_000;
    private const int BodyBytes = 200 * 1024;
    private const int Connections = 16;

    [Fact]
    public async Task Ten_thousand_unsigned_bodies_of_200_KiB_leave_the_database_less_than_20_MB_larger_and_tenants_served()
    {
        var victim = await AttemptAsync(factory, "xendit");
        var before = await DatabaseBytesAsync();
        var tenantAnswers = new ConcurrentBag<HttpStatusCode>();
        var answers = new ConcurrentDictionary<HttpStatusCode, int>();
        var next = -1;

        var flood = Enumerable.Range(0, Connections).Select(_ => Task.Run(async () =>
        {
            using var client = factory.CreateClient();
            int index;
            while ((index = Interlocked.Increment(ref next)) < Bodies)
            {
                // Every body distinct, so no two share a hash: half name a reference nobody has, half name the victim's
                // attempt without its callback token.
                var reference = index % 2 == 0 ? $"PT-UNKNOWN-{index}" : victim.Reference;
                using var response = await PostRawAsync(client, "xendit", Padded(reference, index));
                answers.AddOrUpdate(response.StatusCode, 1, (_, count) => count + 1);
            }
        })).ToList();
        var tenant = Task.Run(async () =>
        {
            while (flood.Any(worker => !worker.IsCompleted))
            {
                using var response = await victim.Client.GetAsync($"/invoices/{victim.InvoiceId}");
                tenantAnswers.Add(response.StatusCode);
                await Task.Delay(200);
            }
        });
        await Task.WhenAll(flood);
        await tenant;

        Assert.Equal(Bodies, answers.Values.Sum());
        Assert.Equal(Bodies / 2, answers.GetValueOrDefault(HttpStatusCode.NotFound));
        Assert.Equal(Bodies / 2, answers.GetValueOrDefault(HttpStatusCode.Unauthorized));
        var grown = await DatabaseBytesAsync() - before;
        output.WriteLine($"The database grew by {grown:N0} bytes for {Bodies:N0} bodies of {BodyBytes:N0} bytes");
        Assert.True(grown < 20L * 1024 * 1024, $"the database grew by {grown:N0} bytes");
        Assert.NotEmpty(tenantAnswers);
        Assert.All(tenantAnswers, status => Assert.Equal(HttpStatusCode.OK, status));
        // What was kept of the unknown references: their hash, their length and a short prefix each.
        await using var connection = await factory.Database.OpenAsync();
        var kept = await connection.QuerySingleAsync<(long Rows, long Longest, long Whole)>(
            "SELECT COUNT(*), MAX(LENGTH(payload)), MIN(payload_length) FROM webhook_events WHERE tenant_id IS NULL AND outcome = 'unknown_reference'");
        Assert.Equal((Bodies / 2L, 256L, (long)BodyBytes), kept);
        Assert.Equal(0, await CountAsync(factory, "SELECT COUNT(*) FROM webhook_events WHERE reference = @Reference", new { victim.Reference }));
        // And the victim's genuine callback still pays.
        using var gateway = factory.CreateClient();
        var session = factory.Xendit.InvoiceFor(victim.Reference).Id;
        Assert.Equal(("processed", "applied"),
            await ReceiptAsync(await PostXenditAsync(gateway, Payments.StandInApiFactory.XenditCallbackToken, session, victim.Reference, "PAID", victim.Amount)));
    }

    /// <summary>A Xendit-shaped callback for <paramref name="reference"/> padded to <see cref="BodyBytes"/> with a description.</summary>
    private static byte[] Padded(string reference, int index)
    {
        var head = $$"""{"id":"inv_{{index}}","external_id":"{{reference}}","status":"PAID","amount":1000000,"currency":"IDR","description":" """;
        const string tail = "\"}";
        return Encoding.UTF8.GetBytes(head + new string('x', BodyBytes - head.Length - tail.Length) + tail);
    }

    /// <summary>The database's tablespace files on disk, as InnoDB reports them.</summary>
    private async Task<long> DatabaseBytesAsync()
    {
        await using var connection = await factory.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COALESCE(SUM(FILE_SIZE), 0) FROM information_schema.INNODB_SYS_TABLESPACES WHERE NAME LIKE CONCAT(DATABASE(), '/%')");
    }

    /// <summary>
    /// The webhook API with the per-address throttles (ADR 28) raised out of the way, so every body of the flood reaches
    /// storage: the worst case, an attacker spread over many addresses.
    /// </summary>
    public sealed class FloodApiFactory()
        : WebhookApiFactory(new TestDatabase(), ownsDatabase: true, NewClock(), lockWaitSeconds: null, new Dictionary<string, string?>
        {
            ["PayTrust:RateLimit:Anonymous:WebhooksPerMinute"] = "1000000",
            ["PayTrust:RateLimit:FailedWebhooksPerMinute"] = "1000000",
        });
}
