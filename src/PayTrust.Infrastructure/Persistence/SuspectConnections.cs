using System.Collections.Concurrent;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>
/// Server threads of pooled connections that may have gone back to the pool inside a transaction: a ROLLBACK the driver
/// refused (DbSession). Pooled connections are not reset on reuse (Connection Reset=false), so the next statement on one
/// would join that transaction, and the next START TRANSACTION would commit it. PayTrustDataSource's connection-opened
/// callback, which runs on every open by every user of the pool, rolls a marked one back first (ADR 17). Empty but for
/// that rare failure, so the check costs nothing.
/// </summary>
internal static class SuspectConnections
{
    private static readonly ConcurrentDictionary<int, bool> Threads = new();

    public static void Mark(int serverThread) => Threads[serverThread] = true;

    /// <summary>Whether the thread was marked; the mark is taken, since the caller rolls the connection back now.</summary>
    public static bool Take(int serverThread) => !Threads.IsEmpty && Threads.TryRemove(serverThread, out _);
}
