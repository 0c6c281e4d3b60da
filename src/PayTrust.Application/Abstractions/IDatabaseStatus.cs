namespace PayTrust.Application.Abstractions;

/// <summary>What readiness needs to know about the database.</summary>
public interface IDatabaseStatus
{
    /// <summary>Whether the database answers, and which embedded migrations it has not run yet.</summary>
    Task<DatabaseState> GetStateAsync(CancellationToken cancellationToken);
}

public sealed record DatabaseState(bool Reachable, IReadOnlyList<string> PendingMigrations, string? Error)
{
    public bool IsReady => Reachable && PendingMigrations.Count == 0;
}
