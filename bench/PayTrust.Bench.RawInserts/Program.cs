// The floors for ./build.sh bench, run by CONNECTIONS concurrent loops with no HTTP, no mediator and no validation:
//   CONNECTION_STRING CONNECTIONS SECONDS INSTALLMENTS TENANT_ID — the statements PayTrust's InvoiceRepository sends
//     for a new invoice (one batched command inside BEGIN … COMMIT); values are what the API computes for the bench
//     body (bench/wrk/create-invoice.json).
//   apply-payments CONNECTION_STRING CONNECTIONS SECONDS TENANT_ID TARGETS — the least a database must be asked to
//     apply one gateway payment exactly once (ApplyPayments), on TARGETS pending invoices created first, unmeasured.
//   take-attempts CONNECTION_STRING CONNECTIONS SECONDS TENANT_ID TARGETS — the least it must be asked to take one
//     payment attempt in two transactions (TakeAttempts), on TARGETS draft invoices created first, unmeasured.
//   serve-attempts CONNECTION_STRING TENANT_ID URLS — the same behind a bare HTTP endpoint at the API's path
//     (ServeAttempts), until stopped; wrk measures it on draft invoices made through the API (raw-attempt-http).
// Prints the line bench/wrk/report.lua prints:
//   RESULT <transactions/s> <p50 ms> <p95 ms> <p99 ms> <errors> <transactions>
using System.Diagnostics;
using System.Globalization;
using Dapper;
using MySqlConnector;
using PayTrust.Bench.RawInserts;

if (args.Length == 4 && args[0] == "serve-attempts" && Guid.TryParse(args[2], out var servedTenant))
{
    // The SQL of take-attempts behind HTTP (ServeAttempts), until stopped; its pool as large as the API's default.
    return await ServeAttempts.RunAsync(Open(args[1], 100), servedTenant, args[3]);
}

Func<Task> operation;
int connections;
double seconds;
MySqlDataSource dataSource;
if (args.Length == 6 && args[0] is "apply-payments" or "take-attempts"
    && int.TryParse(args[2], CultureInfo.InvariantCulture, out connections) && connections >= 1
    && double.TryParse(args[3], CultureInfo.InvariantCulture, out seconds) && seconds > 0
    && Guid.TryParse(args[4], out var targetTenant)
    && int.TryParse(args[5], CultureInfo.InvariantCulture, out var targetCount) && targetCount > 0)
{
    dataSource = Open(args[1], connections);
    Func<int, Task> onTarget;
    if (args[0] == "apply-payments")
    {
        var payments = new ApplyPayments(dataSource, targetTenant);
        var references = await payments.CreateTargetsAsync(targetCount, connections);
        onTarget = i => payments.ApplyAsync(references[i]);
    }
    else
    {
        var attempts = new TakeAttempts(dataSource, targetTenant);
        var invoices = await attempts.CreateTargetsAsync(targetCount, connections);
        onTarget = i => attempts.TakeAsync(invoices[i]);
    }

    var next = -1;
    // Running out of targets ends the run without a result, not with a silent repeat (a repeated target would measure
    // another path) nor with a figure: the failures that follow would be instant and the rate meaningless.
    operation = () => Interlocked.Increment(ref next) is var i && i < targetCount
        ? onTarget(i)
        : throw new TargetsExhaustedException(targetCount);
}
else if (args.Length == 5
    && int.TryParse(args[1], CultureInfo.InvariantCulture, out connections) && connections >= 1
    && double.TryParse(args[2], CultureInfo.InvariantCulture, out seconds) && seconds > 0
    && int.TryParse(args[3], CultureInfo.InvariantCulture, out var installments) && installments is 0 or (>= 2 and <= 12)
    && Guid.TryParse(args[4], out var tenantId))
{
    dataSource = Open(args[0], connections);
    var invoice = new NewInvoice(tenantId, installments);
    operation = async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(new CommandDefinition(invoice.Sql, invoice.Parameters(), transaction));
        await transaction.CommitAsync();
    };
}
else
{
    await Console.Error.WriteLineAsync("""
        usage: PayTrust.Bench.RawInserts CONNECTION_STRING CONNECTIONS SECONDS INSTALLMENTS(0 or 2-12) TENANT_ID
               PayTrust.Bench.RawInserts apply-payments|take-attempts CONNECTION_STRING CONNECTIONS SECONDS TENANT_ID TARGETS
               PayTrust.Bench.RawInserts serve-attempts CONNECTION_STRING TENANT_ID URLS
        """);
    return 2;
}

var warmUpEnds = Stopwatch.GetTimestamp() + (2 * Stopwatch.Frequency);
var measureEnds = warmUpEnds + (long)(seconds * Stopwatch.Frequency);
var firstError = 0;
var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(Loop)).ToArray();
(List<double> Latencies, int Errors)[] results;
try
{
    results = await Task.WhenAll(workers);
}
catch (TargetsExhaustedException exhausted)
{
    await Console.Error.WriteLineAsync($"raw inserts: {exhausted.Message}");
    return 3;
}

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
await dataSource.DisposeAsync();
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
            await operation();
        }
        catch (Exception failure) when (failure is MySqlException or InvalidOperationException)
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
            // A failed transaction is counted as an error, not as a transaction: it is not in the rate or the latencies.
            if (failed)
            {
                errors++;
            }
            else
            {
                latencies.Add(Stopwatch.GetElapsedTime(started, finished).TotalMilliseconds);
            }
        }
    }

    return (latencies, errors);
}

static MySqlDataSource Open(string connectionString, int connections)
{
    var builder = new MySqlConnectionStringBuilder(connectionString);
    builder.MaximumPoolSize = Math.Max(builder.MaximumPoolSize, (uint)connections);
    return new MySqlDataSource(builder.ConnectionString);
}

static double Percentile(double[] sorted, double percent) =>
    sorted.Length == 0 ? 0 : sorted[Math.Max(0, (int)Math.Ceiling(percent / 100 * sorted.Length) - 1)];

/// <summary>Every target was used before the run ended: the run is void and needs more targets.</summary>
internal sealed class TargetsExhaustedException(int count)
    : Exception($"all {count} targets were used before the run ended: give more");
