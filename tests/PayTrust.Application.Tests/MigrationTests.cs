using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using PayTrust.Application.Abstractions;
using PayTrust.Infrastructure.Persistence;
using PayTrust.Infrastructure.Persistence.Migrations;
using PayTrust.Testing;

namespace PayTrust.Application.Tests;

public class MigrationTests(EmptyTestDatabase database) : IClassFixture<EmptyTestDatabase>
{
    private static readonly string[] RealScripts = Directory
        .GetFiles(Path.Combine(RepositoryFiles.Root, "db", "migrations"), "*.sql")
        .Select(Path.GetFileName)
        .Order(StringComparer.Ordinal)
        .ToArray()!;

    [Fact]
    public async Task First_run_applies_every_script_in_db_migrations_and_a_second_run_applies_nothing()
    {
        var migrator = new DatabaseMigrator(database.ConnectionString, NullLogger.Instance);

        var first = migrator.Migrate();
        var second = migrator.Migrate();

        Assert.Equal(RealScripts, first);
        Assert.Empty(second);
        Assert.Empty(migrator.PendingScripts());
        await using var connection = await database.OpenAsync();
        Assert.Equal(RealScripts.Length, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_versions"));
    }

    [Fact]
    public async Task A_journal_in_another_database_on_the_same_server_does_not_count()
    {
        // Another, fully migrated database sits on the same server (the pitfall of dbup's default
        // table-exists query, which ignores the schema).
        var other = new TestDatabase();
        var fresh = new EmptyTestDatabase();
        await other.InitializeAsync();
        await fresh.InitializeAsync();
        try
        {
            var applied = new DatabaseMigrator(fresh.ConnectionString, NullLogger.Instance).Migrate();

            Assert.Equal(RealScripts, applied);
        }
        finally
        {
            await other.DisposeAsync();
            await fresh.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_broken_script_fails_loudly_with_its_name_and_leaves_earlier_scripts_applied()
    {
        var scratch = new EmptyTestDatabase();
        await scratch.InitializeAsync();
        try
        {
            var migrator = new DatabaseMigrator(scratch.ConnectionString, typeof(MigrationTests).Assembly, NullLogger.Instance);

            var failure = Assert.Throws<MigrationFailedException>(migrator.Migrate);

            Assert.Equal("0002_broken.sql", failure.ScriptName);
            Assert.True(failure.Message.StartsWith("Migration 0002_broken.sql failed at statement 2:", StringComparison.Ordinal), failure.Message);
            Assert.Contains("no_such_table", failure.Message, StringComparison.Ordinal);
            Assert.Equal(["0002_broken.sql"], migrator.PendingScripts());
            await using var connection = await scratch.OpenAsync();
            // Each script runs in its own transaction: 0002's first insert was rolled back with it.
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM widgets"));
            // The ';' inside 0001's string literal did not split its statement.
            var noteDefault = await connection.ExecuteScalarAsync<string>(
                "SELECT COLUMN_DEFAULT FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'widgets' AND COLUMN_NAME = 'note'");
            Assert.Equal("'a;b'", noteDefault);
        }
        finally
        {
            await scratch.DisposeAsync();
        }
    }

    [Fact]
    public void A_DELIMITER_line_lets_one_statement_hold_semicolons_and_comments_between_statements_are_not_sent_alone()
    {
        const string script = """
            DROP TRIGGER IF EXISTS t; -- a comment; with a semicolon
            DELIMITER $$
            CREATE TRIGGER t AFTER UPDATE ON x FOR EACH ROW
            IF NEW.a = 'a;b' THEN
                INSERT INTO y VALUES (1);
            END IF$$
            delimiter ;
            INSERT INTO z VALUES ('$$'); SELECT 1;
            /* only a comment */
            """;

        var commands = new MySqlConnectionManager("Server=unused").SplitScriptIntoCommands(script).ToArray();

        Assert.Equal(4, commands.Length);
        Assert.Equal("DROP TRIGGER IF EXISTS t", commands[0]);
        Assert.StartsWith("CREATE TRIGGER t", commands[1], StringComparison.Ordinal);
        Assert.EndsWith("INSERT INTO y VALUES (1);\nEND IF", commands[1].ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal("INSERT INTO z VALUES ('$$')", commands[2]);
        Assert.Equal("SELECT 1", commands[3]);
    }

    [Fact]
    public async Task Start_up_check_names_the_target_of_an_unreachable_database_in_one_line()
    {
        var failure = await DatabaseBootstrapper.PrepareAsync(
            "Server=127.0.0.1;Port=1;User ID=nobody;Password=x;Database=nowhere;Connection Timeout=2",
            migrate: true, NullLogger.Instance, CancellationToken.None);

        Assert.NotNull(failure);
        Assert.StartsWith("cannot reach the database at nobody@127.0.0.1:1/nowhere", failure, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure);
    }

    [Fact]
    public async Task Readiness_follows_the_journal_and_reports_an_unreachable_server()
    {
        var scratch = new EmptyTestDatabase();
        await scratch.InitializeAsync();
        DatabaseState before, ready;
        try
        {
            await using var dataSource = new MySqlConnector.MySqlDataSource(scratch.ConnectionString);
            var status = new DatabaseStatus(dataSource, NullLogger<DatabaseStatus>.Instance);
            before = await status.GetStateAsync(CancellationToken.None);
            new DatabaseMigrator(scratch.ConnectionString, NullLogger.Instance).Migrate();
            ready = await status.GetStateAsync(CancellationToken.None);
        }
        finally
        {
            await scratch.DisposeAsync();
        }

        await using var nowhere = new MySqlConnector.MySqlDataSource("Server=127.0.0.1;Port=1;User ID=x;Password=x;Database=x;Connection Timeout=2");
        var unreachable = await new DatabaseStatus(nowhere, NullLogger<DatabaseStatus>.Instance).GetStateAsync(CancellationToken.None);

        Assert.Equal(RealScripts, before.PendingMigrations);
        Assert.True(ready.IsReady);
        Assert.False(unreachable.Reachable);
        Assert.False(unreachable.IsReady);
        Assert.False(string.IsNullOrEmpty(unreachable.Error));
    }
}
