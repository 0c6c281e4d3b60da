// The report benchmark's seed (./build.sh bench report): a fresh ledger of COUNT invoices for one tenant, with their
// lines, installments, payments and paid-invoice tax rows, spread evenly over the 366 days before LEDGER_END and
// generated in time order, as a real ledger is written — so every index grows at its end, which is what lets a
// 2-core machine with MariaDB's default 128 MiB buffer pool load a million invoices in minutes (scattered over the
// year in random order, the same load slowed to ~30 s per 50k invoices as the indexes outgrew the buffer pool).
// The ledger tables are emptied first; invoice n of a ledger of N is the same invoice whatever else is loaded.
// Loaded with LOAD DATA LOCAL INFILE (MySqlBulkLoader) in chunks. Prints one line:
//   LOADED <invoices> <lines> <installments> <payments> <seconds>
using System.Diagnostics;
using System.Globalization;
using Dapper;
using MySqlConnector;
using PayTrust.Bench.Ledger;

if (args.Length != 4
    || !Guid.TryParse(args[1], out var tenantId)
    || !int.TryParse(args[2], CultureInfo.InvariantCulture, out var count) || count < 1
    || !DateTime.TryParse(args[3], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var ledgerEnd))
{
    await Console.Error.WriteLineAsync("usage: PayTrust.Bench.Ledger CONNECTION_STRING TENANT_ID COUNT LEDGER_END(ISO 8601 UTC)");
    return 2;
}

var connectionString = new MySqlConnectionStringBuilder(args[0]) { AllowLoadLocalInfile = true, DefaultCommandTimeout = 600 };
await using var connection = new MySqlConnection(connectionString.ConnectionString);
await connection.OpenAsync();
// A bench seed of rows that are consistent by construction: skipping the per-row foreign-key and unique checks
// is what lets a 2-core machine load a million invoices in minutes (the keys are unique by construction too).
await connection.ExecuteAsync("SET SESSION foreign_key_checks = 0, unique_checks = 0");
// The report roll-ups summarise the ledger being replaced: they go with it (./build.sh bench report rolls the new one up).
await connection.ExecuteAsync("TRUNCATE report_daily_totals; TRUNCATE report_daily_taxes; TRUNCATE report_daily_late_overpayments; TRUNCATE report_rollup_progress");
await connection.ExecuteAsync("TRUNCATE paid_invoice_taxes; TRUNCATE payments; TRUNCATE invoice_installments; TRUNCATE invoice_line_items; TRUNCATE invoices");
var feeRules = (await connection.QueryAsync<(string Gateway, string Currency, decimal Percentage, long Fixed)>(
        "SELECT gateway_code, currency_code, fee_percentage, fee_fixed FROM gateway_currencies"))
    .ToDictionary(rule => (rule.Gateway, rule.Currency), rule => (rule.Percentage, rule.Fixed));

var generator = new LedgerGenerator(tenantId, ledgerEnd, count, feeRules);
var started = Stopwatch.GetTimestamp();
var totals = new LedgerRows();
const int ChunkSize = 50_000;
for (var chunkStart = 0; chunkStart < count; chunkStart += ChunkSize)
{
    var rows = new LedgerRows();
    for (var n = chunkStart; n < Math.Min(count, chunkStart + ChunkSize); n++)
    {
        generator.Write(n, rows);
    }

    foreach (var (table, columns, text) in rows.Tables())
    {
        await LoadAsync(connection, table, columns, text);
    }

    totals.Add(rows);
    await Console.Error.WriteLineAsync($"  {Math.Min(count, chunkStart + ChunkSize):N0} invoices, {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s");
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
