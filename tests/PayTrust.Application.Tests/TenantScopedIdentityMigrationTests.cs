using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using PayTrust.Infrastructure.Persistence.Migrations;
using PayTrust.Testing;

namespace PayTrust.Application.Tests;

/// <summary>
/// Migration 0014 on a database that already holds payments in (ADR 29): the rows stored before keep working, refused
/// bodies of the past shrink to hash, length and prefix, and the widened unique keys now let two tenants share an id.
/// </summary>
public class TenantScopedIdentityMigrationTests(EmptyTestDatabase database) : IClassFixture<EmptyTestDatabase>
{
    private const string Migration = "0014_tenant_scoped_money_identity.sql";

    [Fact]
    public async Task Rows_stored_before_keep_working_and_refused_bodies_of_the_past_keep_only_hash_length_and_prefix()
    {
        await ApplyScriptsBeforeAsync(Migration);
        var now = SystemClock.Instance.GetCurrentInstant();
        var (tenantA, invoiceA) = await StoredInvoices.InsertForNewTenantAsync(database, now, [StoredInvoices.Shoes()], null);
        var (tenantB, invoiceB) = await StoredInvoices.InsertForNewTenantAsync(database, now, [StoredInvoices.Shoes()], null);
        var refusedBody = RandomNumberGenerator.GetBytes(200 * 1024);
        var verifiedBody = RandomNumberGenerator.GetBytes(4096);
        var refusedId = Guid.NewGuid();
        var verifiedId = Guid.NewGuid();
        await using (var connection = await database.OpenAsync())
        {
            await InsertEventAsync(connection, refusedId, null, "unknown_reference:abc", refusedBody);
            await InsertEventAsync(connection, verifiedId, tenantA, "evt_1", verifiedBody);
            await InsertPaymentAsync(connection, tenantA, invoiceA.Id, "txn-shared");
        }

        Assert.Equal([Migration], new DatabaseMigrator(database.ConnectionString, NullLogger.Instance).Migrate().Where(name => name == Migration));

        await using var after = await database.OpenAsync();
        var refused = await after.QuerySingleAsync<(byte[] Payload, byte[] Sha, int Length)>(
            "SELECT payload, payload_sha256, payload_length FROM webhook_events WHERE id = @Id", new { Id = refusedId });
        Assert.Equal(refusedBody[..256], refused.Payload);
        Assert.Equal(SHA256.HashData(refusedBody), refused.Sha);
        Assert.Equal(refusedBody.Length, refused.Length);
        var verified = await after.QuerySingleAsync<(byte[] Payload, byte[]? Sha, int? Length)>(
            "SELECT payload, payload_sha256, payload_length FROM webhook_events WHERE id = @Id", new { Id = verifiedId });
        Assert.Equal(verifiedBody, verified.Payload);
        Assert.Null(verified.Sha);
        Assert.Null(verified.Length);
        // Tenant B may now use the dedup key and the transaction id tenant A used; A may not use them twice.
        await InsertEventAsync(after, Guid.NewGuid(), tenantB, "evt_1", verifiedBody);
        await InsertPaymentAsync(after, tenantB, invoiceB.Id, "txn-shared");
        var again = await Assert.ThrowsAsync<MySqlConnector.MySqlException>(() => InsertEventAsync(after, Guid.NewGuid(), tenantA, "evt_1", verifiedBody));
        var twice = await Assert.ThrowsAsync<MySqlConnector.MySqlException>(() => InsertPaymentAsync(after, tenantA, invoiceA.Id, "txn-shared"));
        Assert.Equal((MySqlConnector.MySqlErrorCode.DuplicateKeyEntry, MySqlConnector.MySqlErrorCode.DuplicateKeyEntry), (again.ErrorCode, twice.ErrorCode));
        Assert.Contains("ux_webhook_events_tenant_dedup", again.Message, StringComparison.Ordinal);
        Assert.Contains("ux_payments_tenant_gateway_transaction", twice.Message, StringComparison.Ordinal);
    }

    /// <summary>Runs the real scripts that sort before <paramref name="script"/> and journals them, as an older release left the database.</summary>
    private async Task ApplyScriptsBeforeAsync(string script)
    {
        var directory = Path.Combine(RepositoryFiles.Root, "db", "migrations");
        var splitter = new MySqlConnectionManager(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            $"CREATE TABLE {MySqlTableJournal.TableName} (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, script_name VARCHAR(255) NOT NULL, applied_at DATETIME(6) NOT NULL)");
        foreach (var file in Directory.GetFiles(directory, "*.sql").Order(StringComparer.Ordinal).Where(f => string.CompareOrdinal(Path.GetFileName(f), script) < 0))
        {
            foreach (var command in splitter.SplitScriptIntoCommands(await File.ReadAllTextAsync(file)))
            {
                await connection.ExecuteAsync(command);
            }

            await connection.ExecuteAsync($"INSERT INTO {MySqlTableJournal.TableName} (script_name, applied_at) VALUES (@Name, UTC_TIMESTAMP(6))",
                new { Name = EmbeddedMigrations.ResourcePrefix + Path.GetFileName(file) });
        }
    }

    private static Task<int> InsertEventAsync(MySqlConnector.MySqlConnection connection, Guid id, Guid? tenantId, string dedupKey, byte[] payload) =>
        connection.ExecuteAsync(
            """
            INSERT INTO webhook_events (id, gateway, dedup_key, tenant_id, payload, headers, status, received_at)
            VALUES (@Id, 'xendit', @DedupKey, @TenantId, @Payload, '{}', 'rejected', UTC_TIMESTAMP(6))
            """,
            new { Id = id, DedupKey = dedupKey, TenantId = tenantId, Payload = payload });

    private static Task<int> InsertPaymentAsync(MySqlConnector.MySqlConnection connection, Guid tenantId, Guid invoiceId, string transactionId) =>
        connection.ExecuteAsync(
            """
            INSERT INTO payments (id, tenant_id, invoice_id, rail, gateway, gateway_transaction_id, currency_code, amount, source, applied, paid_at, recorded_at)
            VALUES (@Id, @TenantId, @InvoiceId, 'card_psp', 'midtrans', @TransactionId, 'IDR', 1000, 'webhook', 1, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))
            """,
            new { Id = Guid.NewGuid(), TenantId = tenantId, InvoiceId = invoiceId, TransactionId = transactionId });
}
