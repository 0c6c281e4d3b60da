// The report benchmark's seed (./build.sh bench report): invoices FROM..TO-1 of one tenant's ledger, with their
// lines, installments and payments, spread over the 366 days before LEDGER_END, loaded with LOAD DATA LOCAL INFILE
// (MySqlBulkLoader) in chunks. Invoice n is always the same invoice, so seeding 0..10k, then 10k..100k, then
// 100k..1M grows one ledger step by step, and every prefix is spread evenly over the whole year.
// Prints one line: "LOADED <invoices> <lines> <installments> <payments> <seconds>".
using System.Diagnostics;
using System.Globalization;
using Dapper;
using MySqlConnector;
using PayTrust.Bench.Ledger;

if (args.Length != 5
    || !Guid.TryParse(args[1], out var tenantId)
    || !int.TryParse(args[2], CultureInfo.InvariantCulture, out var from) || from < 0
    || !int.TryParse(args[3], CultureInfo.InvariantCulture, out var to) || to < from
    || !DateTime.TryParse(args[4], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var ledgerEnd))
{
    await Console.Error.WriteLineAsync("usage: PayTrust.Bench.Ledger CONNECTION_STRING TENANT_ID FROM TO LEDGER_END(ISO 8601 UTC)");
    return 2;
}

var connectionString = new MySqlConnectionStringBuilder(args[0]) { AllowLoadLocalInfile = true, DefaultCommandTimeout = 600 };
await using var connection = new MySqlConnection(connectionString.ConnectionString);
await connection.OpenAsync();
// A bench seed of rows that are consistent by construction: skipping the per-row foreign-key and unique checks
// is what lets a 2-core machine load a million invoices in minutes (the keys are unique by construction too).
await connection.ExecuteAsync("SET SESSION foreign_key_checks = 0, unique_checks = 0");
var feeRules = (await connection.QueryAsync<(string Gateway, string Currency, decimal Percentage, long Fixed)>(
        "SELECT gateway_code, currency_code, fee_percentage, fee_fixed FROM gateway_currencies"))
    .ToDictionary(rule => (rule.Gateway, rule.Currency), rule => (rule.Percentage, rule.Fixed));

var generator = new LedgerGenerator(tenantId, ledgerEnd, feeRules);
var started = Stopwatch.GetTimestamp();
var totals = new LedgerRows();
const int ChunkSize = 50_000;
for (var chunkStart = from; chunkStart < to; chunkStart += ChunkSize)
{
    var rows = new LedgerRows();
    for (var n = chunkStart; n < Math.Min(to, chunkStart + ChunkSize); n++)
    {
        generator.Write(n, rows);
    }

    foreach (var (table, columns, text) in rows.Tables())
    {
        await LoadAsync(connection, table, columns, text);
    }

    totals.Add(rows);
    await Console.Error.WriteLineAsync($"  {Math.Min(to, chunkStart + ChunkSize):N0} invoices, {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s");
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"LOADED {totals.Invoices} {totals.Lines} {totals.Installments} {totals.Payments} {Stopwatch.GetElapsedTime(started).TotalSeconds:F1}"));
return 0;

static async Task LoadAsync(MySqlConnection connection, string table, IReadOnlyList<string> columns, System.Text.StringBuilder text)
{
    if (text.Length == 0)
    {
        return;
    }

    using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text.ToString()));
    var loader = new MySqlBulkLoader(connection)
    {
        TableName = table,
        Local = true,
        SourceStream = stream,
        FieldTerminator = "\t",
        LineTerminator = "\n",
        CharacterSet = "utf8mb4",
    };
    loader.Columns.AddRange(columns);
    await loader.LoadAsync();
}
