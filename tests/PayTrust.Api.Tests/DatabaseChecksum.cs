using Dapper;
using PayTrust.Testing;

namespace PayTrust.Api.Tests;

/// <summary>A fingerprint of every table, to show that a refused or foreign request changed nothing.</summary>
internal static class DatabaseChecksum
{
    // Everything except api_keys, whose last_used_at moves with any authenticated call.
    public static async Task<string> OfAsync(TestDatabase database)
    {
        await using var connection = await database.OpenAsync();
        var tables = (await connection.QueryAsync<string>(
            "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'api_keys' ORDER BY TABLE_NAME")).ToArray();
        var sums = await connection.QueryAsync<(string Table, long? Checksum)>($"CHECKSUM TABLE {string.Join(", ", tables.Select(t => $"`{t}`"))}");
        return string.Join(";", sums.Select(s => $"{s.Table}={s.Checksum}"));
    }
}
