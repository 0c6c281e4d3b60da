using Microsoft.Extensions.Logging;

namespace PayTrust.Application.Behaviors;

/// <summary>
/// Work a command may only do once its transaction has committed — calls to a gateway, which must never
/// happen inside a transaction and never for a change that rolled back. Scoped to the request; the
/// transaction behaviour runs it after the commit and drops it on rollback or retry. Best effort: a
/// failing action is logged and does not change the command's answer.
/// </summary>
public sealed class AfterCommit(ILogger<AfterCommit> logger)
{
    private readonly List<Func<Task>> _actions = [];

    public void Add(Func<Task> action) => _actions.Add(action);

    internal void Clear() => _actions.Clear();

    internal async Task RunAsync()
    {
        var actions = _actions.ToArray();
        _actions.Clear();
        foreach (var action in actions)
        {
            try
            {
                await action();
            }
            catch (Exception failure)
            {
                logger.LogError(failure, "An after-commit action failed; the committed change stands");
            }
        }
    }
}
