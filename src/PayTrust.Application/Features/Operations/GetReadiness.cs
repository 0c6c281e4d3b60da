using Mediator;
using PayTrust.Application.Abstractions;

namespace PayTrust.Application.Features.Operations;

/// <summary>Is this instance fit to take traffic: database reachable and every migration applied.</summary>
public sealed record GetReadiness : IQuery<Readiness>;

public sealed record Readiness(string Status, bool DatabaseReachable, IReadOnlyList<string> PendingMigrations);

internal sealed class GetReadinessHandler(IDatabaseStatus database) : IQueryHandler<GetReadiness, Readiness>
{
    public async ValueTask<Readiness> Handle(GetReadiness query, CancellationToken cancellationToken)
    {
        var state = await database.GetStateAsync(cancellationToken);
        return new Readiness(state.IsReady ? "ready" : "not_ready", state.Reachable, state.PendingMigrations);
    }
}
