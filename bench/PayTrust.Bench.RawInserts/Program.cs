// The floor for the create-invoice scenarios of ./build.sh bench: the statements PayTrust's InvoiceRepository
// sends for a new invoice (one batched command inside BEGIN … COMMIT), run by CONNECTIONS concurrent loops
// with no HTTP, no mediator and no validation. Values are what the API computes for the bench body
// (bench/wrk/create-invoice.json). Prints the line bench/wrk/report.lua prints:
//   RESULT <transactions/s> <p50 ms> <p95 ms> <p99 ms> <errors> <transactions>
using System.Diagnostics;
using System.Globalization;
using Dapper;
using MySqlConnector;
using PayTrust.Bench.RawInserts;

if (args.Length != 5
    || !int.TryParse(args[1], CultureInfo.InvariantCulture, out var connections) || connections < 1
    || !double.TryParse(args[2], CultureInfo.InvariantCulture, out var seconds) || seconds <= 0
    || !int.TryParse(args[3], CultureInfo.InvariantCulture, out var installments) || installments is not (0 or (>= 2 and <= 12))
    || !Guid.TryParse(args[4], out var tenantId))
{
    await Console.Error.WriteLineAsync("usage: PayTrust.Bench.RawInserts CONNECTION_STRING CONNECTIONS SECONDS INSTALLMENTS(0 or 2-12) TENANT_ID");
    return 2;
}

var connectionString = new MySqlConnectionStringBuilder(args[0]);
connectionString.MaximumPoolSize = Math.Max(connectionString.MaximumPoolSize, (uint)connections);
await using var dataSource = new MySqlDataSource(connectionString.ConnectionString);
var invoice = new NewInvoice(tenantId, installments);

var warmUpEnds = Stopwatch.GetTimestamp() + (2 * Stopwatch.Frequency);
var measureEnds = warmUpEnds + (long)(seconds * Stopwatch.Frequency);
var firstError = 0;
var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(Loop)).ToArray();
var results = await Task.WhenAll(workers);

var latencies = results.SelectMany(r => r.Latencies).Order().ToArray();
var errors = results.Sum(r => r.Errors);
Console.WriteLine(string.Format(
    CultureInfo.InvariantCulture,
    "RESULT {0:F1} {1:F3} {2:F3} {3:F3} {4} {5}",
    latencies.Length / seconds,
    Percentile(latencies, 50),
    Percentile(latencies, 95),
    Percentile(latencies, 99),
    errors,
    latencies.Length));
return 0;

async Task<(List<double> Latencies, int Errors)> Loop()
{
    var latencies = new List<double>();
    var errors = 0;
    while (Stopwatch.GetTimestamp() < measureEnds)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await connection.ExecuteAsync(new CommandDefinition(invoice.Sql, invoice.Parameters(), transaction));
            await transaction.CommitAsync();
        }
        catch (MySqlException failure)
        {
            failed = true;
            if (Interlocked.Exchange(ref firstError, 1) == 0)
            {
                await Console.Error.WriteLineAsync($"raw inserts: {failure.Message}");
            }
        }

        var finished = Stopwatch.GetTimestamp();
        if (finished >= warmUpEnds && finished <= measureEnds)
        {
            latencies.Add(Stopwatch.GetElapsedTime(started, finished).TotalMilliseconds);
            errors += failed ? 1 : 0;
        }
    }

    return (latencies, errors);
}

static double Percentile(double[] sorted, double percent) =>
    sorted.Length == 0 ? 0 : sorted[Math.Max(0, (int)Math.Ceiling(percent / 100 * sorted.Length) - 1)];
