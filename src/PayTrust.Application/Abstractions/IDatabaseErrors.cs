namespace PayTrust.Application.Abstractions;

/// <summary>What a database failure means for the caller, without the application knowing the driver.</summary>
public enum DatabaseError
{
    /// <summary>Not a database failure we treat specially.</summary>
    None,
    /// <summary>Deadlock (1213) or lock wait timeout (1205): re-running the whole transaction is right.</summary>
    LockConflict,
    /// <summary>The server cannot be reached or went away: answer 503, retrying later is safe.</summary>
    Unavailable,
}

public interface IDatabaseErrors
{
    DatabaseError Classify(Exception exception);
}
