using System.Data.Common;

namespace PayTrust.Application.Abstractions;

/// <summary>
/// The unit of work for one request (scoped): one connection, at most one open transaction. Every
/// Dapper call passes <see cref="Transaction"/> so it runs inside whatever the pipeline began.
/// </summary>
public interface IDbSession
{
    /// <summary>The open connection (opened on first use).</summary>
    ValueTask<DbConnection> GetConnectionAsync(CancellationToken cancellationToken);

    /// <summary>The current transaction, or null outside a command.</summary>
    DbTransaction? Transaction { get; }

    ValueTask BeginAsync(CancellationToken cancellationToken);

    ValueTask CommitAsync(CancellationToken cancellationToken);

    ValueTask RollbackAsync(CancellationToken cancellationToken);
}
