using MySqlConnector;

namespace PayTrust.Bench.RawInserts;

/// <summary>Creates what a floor works on before it is measured: COUNT items over CONNECTIONS connections at once.</summary>
internal static class Targets
{
    public static async Task<T[]> CreateAsync<T>(MySqlDataSource dataSource, int count, int connections, Func<MySqlConnection, Task<T>> createOne)
    {
        var created = new T[count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, connections).Select(worker => Task.Run(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                created[i] = await createOne(connection);
            }
        })));
        return created;
    }
}
