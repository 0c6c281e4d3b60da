using System.Globalization;
using System.Text;
using NodaTime;
using PayTrust.Application.Features.Sandbox;

namespace PayTrust.Api.Hosting;

/// <summary>
/// <c>bench-webhooks</c>, for ./build.sh bench: reads "reference&lt;TAB&gt;amount&lt;TAB&gt;currency" lines on stdin and writes
/// one signed sandbox payment.succeeded per line to stdout as "body&lt;TAB&gt;PayTrust-Signature". The bodies and
/// signatures are made by the same code as the sandbox checkout's, so the benchmark posts exactly what the sandbox
/// would; the secret is the service's own (PayTrust__Sandbox__WebhookSecret). Signed now: the receiver accepts a
/// signature for 300 s, so the bench generates them just before posting.
/// </summary>
internal static class BenchWebhooks
{
    public static async Task<int> RunAsync()
    {
        var secret = Environment.GetEnvironmentVariable("PayTrust__Sandbox__WebhookSecret");
        if (string.IsNullOrEmpty(secret))
        {
            await Console.Error.WriteLineAsync("PayTrust bench-webhooks: set PayTrust__Sandbox__WebhookSecret to the API's sandbox secret.");
            return 2;
        }

        var now = SystemClock.Instance.GetCurrentInstant();
        var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { NewLine = "\n" };
        await using (output.ConfigureAwait(false))
        {
            while (await Console.In.ReadLineAsync() is { } line)
            {
                var fields = line.Split('\t');
                if (fields.Length != 3 || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
                {
                    await Console.Error.WriteLineAsync($"PayTrust bench-webhooks: expected reference<TAB>amount<TAB>currency, got '{line}'");
                    return 2;
                }

                var webhook = new SandboxWebhookEvent(
                    "evt_" + Guid.NewGuid().ToString("N"), "payment.succeeded", now,
                    new SandboxWebhookData(fields[0], "sbx_txn_" + Guid.NewGuid().ToString("N"), "paid", amount, fields[2], null));
                var body = SandboxWebhookJson.Serialize(webhook);
                // JSON escapes control characters inside strings, so a body never holds a raw tab or newline.
                await output.WriteLineAsync($"{Encoding.UTF8.GetString(body)}\t{SandboxWebhookSignature.Sign(secret, now, body)}");
            }
        }

        return 0;
    }
}
