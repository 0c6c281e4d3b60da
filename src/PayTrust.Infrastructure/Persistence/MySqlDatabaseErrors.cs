using System.Net.Sockets;
using MySqlConnector;
using PayTrust.Application.Abstractions;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>Maps MySqlConnector's error numbers onto what the application layer needs to decide.</summary>
internal sealed class MySqlDatabaseErrors : IDatabaseErrors
{
    public DatabaseError Classify(Exception exception) => Unwrap(exception) switch
    {
        MySqlException { ErrorCode: MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout } => DatabaseError.LockConflict,
        MySqlException { ErrorCode: MySqlErrorCode.UnableToConnectToHost } => DatabaseError.Unavailable,
        MySqlException { IsTransient: true } => DatabaseError.Unavailable,
        MySqlEndOfStreamException or SocketException => DatabaseError.Unavailable,
        _ => DatabaseError.None,
    };

    private static Exception Unwrap(Exception exception)
    {
        var current = exception;
        while (current is not MySqlException && current.InnerException is not null)
        {
            current = current.InnerException;
        }

        return current;
    }
}
