using Seekapa.Ops.Core.Kubernetes;

namespace Seekapa.Ops.Core.Database;

/// <summary>
/// The session filters shared by Get-SeekapaDatabaseActivity and Stop-SeekapaDatabaseQuery. All given filters must match.
/// Idle sessions are left out unless ExcludeIdle is off or -State names Idle.
/// </summary>
public sealed class DatabaseActivityFilter
{
    private readonly NameFilter _users;
    private readonly NameFilter _databases;

    public DatabaseActivityFilter(IReadOnlyCollection<DatabaseSessionState>? states = null, TimeSpan? minDuration = null,
        IEnumerable<string>? users = null, IEnumerable<string>? databases = null, bool blocking = false, bool excludeIdle = true)
    {
        States = states is { Count: > 0 } ? states : null;
        MinDuration = minDuration;
        Blocking = blocking;
        ExcludeIdle = excludeIdle;
        _users = new NameFilter(users);
        _databases = new NameFilter(databases);
    }

    public IReadOnlyCollection<DatabaseSessionState>? States { get; }

    /// <summary>Only sessions whose current (or last) query started at least this long ago, as the runbook's query_start filter.</summary>
    public TimeSpan? MinDuration { get; }

    /// <summary>Only sessions in a lock chain: waiting for another session, or holding what another waits for.</summary>
    public bool Blocking { get; }

    public bool ExcludeIdle { get; }

    public bool Matches(DatabaseActivity session) =>
        (States is null ? !(ExcludeIdle && session.State == DatabaseSessionState.Idle) : States.Contains(session.State))
        && (MinDuration is not { } min || session.QueryDuration >= min)
        && (!Blocking || session.BlockedBy.Count > 0 || session.Blocking.Count > 0)
        && _users.Matches(session.User ?? string.Empty)
        && _databases.Matches(session.Database ?? string.Empty);

    public IEnumerable<DatabaseActivity> Apply(IEnumerable<DatabaseActivity> sessions) => sessions.Where(Matches);
}
