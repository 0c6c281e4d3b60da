using System.Data.Common;

namespace PayTrust.Application.Abstractions;

/// <summary>
/// The unit of work for one request (scoped): one connection, at most one open transaction. The session
/// drives the transaction itself, so a Dapper call passes no transaction object: whatever runs on
/// <see cref="GetConnectionAsync"/> runs inside the transaction the pipeline began, if any.
/// </summary>
public interface IDbSession
{
    /// <summary>
    /// The open connection (opened on first use), with everything the session still had to send — the start
    /// of its transaction, queued writes — already sent, so statements run on it see them.
    /// </summary>
    ValueTask<DbConnection> GetConnectionAsync(CancellationToken cancellationToken);

    /// <summary>True between <see cref="BeginAsync"/> and the commit or rollback.</summary>
    bool InTransaction { get; }

    ValueTask BeginAsync(CancellationToken cancellationToken);

    ValueTask CommitAsync(CancellationToken cancellationToken);

    ValueTask RollbackAsync(CancellationToken cancellationToken);
}
