using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using PayTrust.Testing;

namespace PayTrust.Api.Tests.Invoices;

/// <summary>The API with a hand-moved clock and the expiry worker running every 100 ms.</summary>
internal sealed class ClockedApiFactory(TestDatabase database, FakeClock clock) : PayTrustApiFactory(database)
{
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["PayTrust:Workers:ExpiryEnabled"] = "true",
        ["PayTrust:Workers:ExpiryIntervalSeconds"] = "0.1",
    };

    protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<IClock>(clock);
}

/// <summary>Two instances of the service on one database, sharing one fake clock: the expiry job must split the work, never double it.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class InvoiceExpiryTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 11, 24, 9, 0));
    private ClockedApiFactory _first = null!;
    private ClockedApiFactory _second = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _first = new ClockedApiFactory(_database, _clock);
        _second = new ClockedApiFactory(_database, _clock);
        _ = _second.Services; // starts the second host and its worker
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Two_instances_expire_each_due_invoice_exactly_once()
    {
        var tenant = await _first.CreateTenantAsync();
        var due = new List<Guid>();
        for (var i = 0; i < 250; i++)
        {
            due.Add(await InvoiceApi.CreateIdAsync(_first, tenant));
        }

        var later = InvoiceApi.Body();
        later["expires_at"] = "2026-11-26T09:00:00Z";
        var notYetDue = await InvoiceApi.CreateIdAsync(_first, tenant, later);
        using var client = _first.TenantClient(tenant.ApiKey);
        var cancelled = await InvoiceApi.CreateIdAsync(_first, tenant);
        await client.PostAsync($"/invoices/{cancelled}/cancel", null);

        _clock.Advance(Duration.FromHours(25));
        await WaitUntilAsync(async () => await CountAsync("SELECT COUNT(*) FROM invoices WHERE status = 'expired'") >= due.Count);
        await Task.Delay(500); // both workers keep running: a double expiry would show up now

        Assert.Equal(due.Count, await CountAsync("SELECT COUNT(*) FROM invoices WHERE status = 'expired'"));
        Assert.Equal(due.Count, await CountAsync("SELECT COUNT(*) FROM outbox_events WHERE type = 'invoice.expired'"));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM (SELECT subject_id FROM outbox_events WHERE type = 'invoice.expired' GROUP BY subject_id HAVING COUNT(*) > 1) doubled"));
        var expired = await InvoiceApi.GetAsync(client, $"/invoices/{due[0]}");
        Assert.Equal("expired", expired.GetProperty("status").GetString());
        Assert.Equal("2026-11-25T10:00:00Z", expired.GetProperty("expired_at").GetString());
        Assert.Equal("draft", (await InvoiceApi.GetAsync(client, $"/invoices/{notYetDue}")).GetProperty("status").GetString());
        Assert.Equal("cancelled", (await InvoiceApi.GetAsync(client, $"/invoices/{cancelled}")).GetProperty("status").GetString());
        var refused = await client.PostAsync($"/invoices/{due[1]}/cancel", null);
        Assert.Equal("invoice_not_cancellable", (await HttpAssert.Problem.ReadAsync(refused, HttpStatusCode.Conflict)).Code);
    }

    [Fact]
    public async Task Invoices_another_instance_holds_are_skipped_not_waited_for_and_expired_once_released()
    {
        var tenant = await _first.CreateTenantAsync();
        var due = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            due.Add(await InvoiceApi.CreateIdAsync(_first, tenant));
        }

        // Another instance in the middle of its batch: ten rows locked in an open transaction.
        await using var holder = await _database.OpenAsync();
        await using var held = await holder.BeginTransactionAsync();
        foreach (var id in due.Take(10))
        {
            // One primary-key lookup each, so exactly these rows are locked and no others.
            await holder.ExecuteAsync("SELECT id FROM invoices WHERE id = @Id FOR UPDATE", new { Id = id }, held);
        }

        _clock.Advance(Duration.FromHours(25));
        // Lock waits time out after 5 s or more; this must finish well before, so the held rows were skipped.
        await WaitUntilAsync(async () => await CountAsync("SELECT COUNT(*) FROM invoices WHERE status = 'expired'") >= 20, TimeSpan.FromSeconds(3));
        Assert.Equal(0, await CountAsync($"SELECT COUNT(*) FROM invoices WHERE status = 'expired' AND id IN ('{string.Join("','", due.Take(10))}')"));

        await held.RollbackAsync();
        await WaitUntilAsync(async () => await CountAsync("SELECT COUNT(*) FROM invoices WHERE status = 'expired'") >= 30);
        await Task.Delay(300);
        Assert.Equal(30, await CountAsync("SELECT COUNT(*) FROM outbox_events WHERE type = 'invoice.expired'"));
    }

    [Fact]
    public async Task An_unpaid_installment_past_its_due_date_reads_overdue()
    {
        var tenant = await _first.CreateTenantAsync();
        using var client = _first.TenantClient(tenant.ApiKey);
        var id = await InvoiceApi.CreateIdAsync(_first, tenant, InvoiceApi.WithInstallments(3, intervalDays: 1));

        _clock.Advance(Duration.FromDays(1));
        var onTheDueDate = await InvoiceApi.GetAsync(client, $"/invoices/{id}/installments");
        _clock.Advance(Duration.FromHours(12));
        var halfADayLater = await InvoiceApi.GetAsync(client, $"/invoices/{id}/installments");

        Assert.Equal(["unpaid", "unpaid", "unpaid"], onTheDueDate.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("status").GetString()));
        Assert.Equal(["overdue", "unpaid", "unpaid"], halfADayLater.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("status").GetString()));
        Assert.Equal("draft", (await InvoiceApi.GetAsync(client, $"/invoices/{id}")).GetProperty("status").GetString());
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = await _database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var limit = within ?? TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"the expiry workers did not get there within {limit.TotalSeconds} s");
            await Task.Delay(50);
        }
    }
}
